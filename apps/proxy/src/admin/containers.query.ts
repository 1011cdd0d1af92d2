import { IsIn, IsOptional, Matches } from '../validation/class-validator';
import { Phase } from '../controller/container.status';

export const PHASES: Phase[] = ['attached', 'waiting', 'failed', 'stopped', 'not-ours'];

/** Filters of `GET /_weave/containers`; anything else is a 400. */
export class ContainersQuery {
  @IsOptional()
  @IsIn(PHASES, { message: `phase must be one of ${PHASES.join(', ')}` })
  phase?: Phase;

  @IsOptional()
  @Matches(/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, { message: 'name must be a container name' })
  name?: string;
}
