/**
 * Closed vocabularies of failures, spelled as Go prints them, so that timelines and logs read like the
 * post-mortem's (`dial tcp 127.32.0.1:0->127.0.0.1:11211: bind: address already in use`).
 */

/** Why a dial failed. */
export const DIAL_ERROR = {
  /** bind(localIP, 0): every port on that IP is held, TIME_WAIT included. */
  addrInUse: 'addr-in-use',
  /** connect() autobind (or IP_BIND_ADDRESS_NO_PORT): no free 4-tuple and none reusable. */
  addrNotAvail: 'addr-not-avail',
  /** memcached at maxConns: "ERROR Too many open connections", then the server closes. */
  serverFull: 'server-full',
  /** No answer within the client's timeout. */
  timeout: 'dial-timeout',
} as const;
export type DialError = (typeof DIAL_ERROR)[keyof typeof DIAL_ERROR];
export const DIAL_ERRORS: readonly DialError[] = Object.values(DIAL_ERROR);

export function isDialError(value: unknown): value is DialError {
  return (DIAL_ERRORS as readonly unknown[]).includes(value);
}

/** The text Go's net package (or gomemcache) returns for each failure. */
export function dialErrorText(kind: DialError, localIp: string): string {
  const prefix = `dial tcp ${localIp}:0->127.0.0.1:11211`;
  switch (kind) {
    case DIAL_ERROR.addrInUse:
      return `${prefix}: bind: address already in use`;
    case DIAL_ERROR.addrNotAvail:
      return `dial tcp 127.0.0.1:11211: connect: cannot assign requested address`;
    case DIAL_ERROR.serverFull:
      return 'memcache: unexpected response line from "get": "ERROR Too many open connections\\r\\n"';
    case DIAL_ERROR.timeout:
      return `${prefix}: i/o timeout`;
  }
}

/** Why a memcached operation on an open connection failed. */
export const OP_ERROR = {
  timeout: 'op-timeout',
} as const;
export type OpError = (typeof OP_ERROR)[keyof typeof OP_ERROR];
