/**
 * Import rules checked by `npm run lint` (dependency-cruiser).
 *
 * - no-circular: no module imports itself through others. Type-only imports count: they vanish
 *   at run time, but a type cycle still ties two modules together (app-core <-> task-definition
 *   was one), and the fix is the same, moving the shared type down.
 * - errors-at-the-bottom: everything throws tsnenc errors, so `src/errors` imports nothing of
 *   tsnenc but two leaves, the brand helper and the status vocabulary. A folder that the errors
 *   import from and that imports the errors back (the error codec, once in `errors`, imported the
 *   serializer, which throws SerializationError) is a cycle between folders.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules must not import each other in a cycle, type-only imports included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "errors-at-the-bottom",
      severity: "error",
      comment: "src/errors imports only the brand helper and the status vocabulary.",
      from: { path: "^src/errors/" },
      to: { path: "^src/", pathNot: ["^src/errors/", "^src/identity/brand\\.ts$", "^src/status/statuses\\.ts$"] },
    },
    {
      name: "leaves-stay-leaves",
      severity: "error",
      comment: "The brand helper and the status vocabulary import nothing of tsnenc.",
      from: { path: ["^src/identity/brand\\.ts$", "^src/status/statuses\\.ts$"] },
      to: { path: "^src/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
