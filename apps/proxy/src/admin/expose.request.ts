import { IsOptional, IsString } from '../validation/class-validator';

/** Body of `POST /_weave/expose`; `{}` exposes an address of the allocation range. */
export class ExposeRequest {
  /** `10.2.1.254/24` (that address) or `10.2.5.0/24` (an address of that subnet). */
  @IsOptional()
  @IsString()
  cidr?: string;
}
