/**
 * `npm run -s badges -- <command>`: the operator CLI (see program.ts for the commands). Exits with the
 * code runCli gives once standard output has been flushed, so a script piping `--json` gets it whole
 * and no idle keep-alive socket holds the process open.
 */
import { runCli } from './program';

const code = await runCli(process.argv.slice(2));
process.stdout.write('', () => process.exit(code));
