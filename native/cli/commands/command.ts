/** One entry of the CLI's command table (native/cli/main.ts). */
import type { Session } from '../session';

export interface CliCommand {
  /** The first word on the command line. */
  readonly name: string;
  /** Usage lines for the help text. */
  readonly usage: readonly string[];
  run(session: Session, sub: string | undefined, arg: string | undefined): Promise<void>;
}
