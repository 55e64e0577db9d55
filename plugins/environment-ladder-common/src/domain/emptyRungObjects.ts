import { LADDER_OBJECT_KINDS } from '../kubernetes/ladderObjectKinds';
import type { RungObjects } from '../types';

/** A set of the objects the ladder reads with every list present and empty. @public */
export function emptyRungObjects(): Required<RungObjects> {
  return Object.fromEntries(
    LADDER_OBJECT_KINDS.map(({ key }) => [key, []]),
  ) as unknown as Required<RungObjects>;
}
