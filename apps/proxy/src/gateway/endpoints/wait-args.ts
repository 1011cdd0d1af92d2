import { WeaveOptions } from '@app/weave';

/** weavewait's own flags: `-s` = do not wait for the multicast route (none will be added). */
export function waitArgs(weave: WeaveOptions): string[] {
  return weave.multicastRoute ? [] : ['-s'];
}
