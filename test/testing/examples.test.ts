// vitest's `include` covers test/ only: importing the example's test file here declares its
// tests in this file, so the suite runs examples/testing/shop.test.ts as a user would.
import "../../examples/testing/shop.test.js";
