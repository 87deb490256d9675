/**
 * PINs for the CLI: a no-echo prompt on a TTY, otherwise one PIN per line on stdin. Never
 * from argv (it would end up in shell history and `ps`). PINs are never logged.
 */
import { createInterface } from 'node:readline';

export class PinInput {
  private lines: string[] = [];
  private waiters: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private started = false;

  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WriteStream = process.stderr,
  ) {}

  get interactive(): boolean {
    return this.input.isTTY === true;
  }

  async read(prompt: string): Promise<string> {
    const pin = this.interactive ? await this.readHidden(prompt) : await this.readLine();
    if (pin === undefined)
      throw new CliInputError(`${prompt.replace(/:\s*$/, '')}: no input on stdin`);
    return pin;
  }

  private startLines(): void {
    if (this.started) return;
    this.started = true;
    const rl = createInterface({ input: this.input, crlfDelay: Infinity, terminal: false });
    rl.on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(undefined);
    });
  }

  private readLine(): Promise<string | undefined> {
    this.startLines();
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private readHidden(prompt: string): Promise<string> {
    const input = this.input;
    this.output.write(prompt);
    return new Promise((resolve, reject) => {
      let value = '';
      input.setRawMode(true);
      input.resume();
      input.setEncoding('utf8');
      const done = (error?: Error): void => {
        input.setRawMode(false);
        input.pause();
        input.off('data', onData);
        this.output.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') return done();
          if (ch === '\u0003') return done(new CliInputError('cancelled'));
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else if (ch >= ' ') value += ch;
        }
      };
      input.on('data', onData);
    });
  }
}

export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}
