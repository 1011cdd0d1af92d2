import { Command } from 'commander';
import { adminRequest } from './admin.client';

const LISTEN = ['-L, --listen <url>', 'the proxy to ask', 'tcp://127.0.0.1:12375'] as const;

/**
 * `weave expose [CIDR]`, `weave hide` and `weave rmpeer ID`: calls to a running proxy's admin API
 * (`POST`/`DELETE /_weave/expose`, `DELETE /_weave/peers/ID`). Each prints what changed, one item a
 * line, like the original (`weave expose` printed the address, `rmpeer` the addresses taken over);
 * the proxy's errors are printed as `weave: <message>`, exit status 1.
 */
export function addNetworkCommands(program: Command): void {
  program
    .command('expose [cidr]')
    .description('give this host an address on the weave network (default: one of --iprange)')
    .option(...LISTEN)
    .action(async (cidr: string | undefined, o: { listen: string }) => {
      const body = cidr === undefined ? {} : { cidr };
      const answer = await adminRequest<{ addresses: string[] }>(o.listen, 'POST', '/_weave/expose', body);
      console.log(answer.addresses.join('\n'));
    });
  program
    .command('hide')
    .description("remove this host's addresses from the weave network")
    .option(...LISTEN)
    .action(async (o: { listen: string }) => {
      const answer = await adminRequest<{ addresses: string[] }>(o.listen, 'DELETE', '/_weave/expose');
      if (answer.addresses.length > 0) console.log(answer.addresses.join('\n'));
    });
  program
    .command('rmpeer <id>')
    .description("reclaim at once the addresses of a dead peer (its proxy stopped; see 'weave status')")
    .option(...LISTEN)
    .action(async (id: string, o: { listen: string }) => {
      const path = `/_weave/peers/${encodeURIComponent(id)}`;
      const answer = await adminRequest<{ addresses: string[] }>(o.listen, 'DELETE', path);
      console.log(`${answer.addresses.length} IPs taken over from ${id}`);
    });
}
