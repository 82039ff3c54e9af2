/** Reported by --version and in SARIF/JUnit output; bump with package.json. */
export const version = '0.1.0';
