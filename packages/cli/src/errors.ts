/** Exit code for bad input files: not Kubernetes objects, unparsable, an invalid config. */
export const EXIT_INPUT = 1;
/** Exit code for a bad command line: unknown options, missing paths or values. */
export const EXIT_USAGE = 2;

/** An error the command reports on stderr as is, with the exit code it ends with. */
export class InspectError extends Error {
  name = 'InspectError';
  constructor(message: string, readonly exitCode: number = EXIT_INPUT) {
    super(message);
  }
}

/** A command-line mistake: reported with the usage line, exit code 2. */
export class UsageError extends InspectError {
  name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}
