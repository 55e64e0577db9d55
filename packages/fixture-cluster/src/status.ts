/** A Kubernetes `meta/v1` Status object, as the API server returns for errors. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message: string; field?: string }>;
  };
  code: number;
}

/** Builds a failure Status with the given code, reason and message. */
export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeStatus {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `deployments.apps "x" not found`, as the API server words it. */
export function notFoundStatus(
  group: string,
  plural: string,
  name: string,
): KubeStatus {
  const qualified = group ? `${plural}.${group}` : plural;
  return failureStatus(404, 'NotFound', `${qualified} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: plural,
  });
}

/** The answer for a path that names no resource. */
export function pathNotFoundStatus(): KubeStatus {
  return failureStatus(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

/** A 400 for an unparsable query parameter. */
export function badRequestStatus(message: string): KubeStatus {
  return failureStatus(400, 'BadRequest', message);
}
