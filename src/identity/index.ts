export {
  callIdOf,
  compareCodePoints,
  computeArgsId,
  NO_ARGS_ID,
  type ParsedCallId,
  parseCallId,
} from "./args-id.js";
