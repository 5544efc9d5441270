import { describe, expect, it } from 'vitest';
import { kernelTcpSockets } from '../../lib/lab/netns.js';

describe('kernelTcpSockets', () => {
  it('reads the active objects of the TCP and tw_sock_TCP slabs', () => {
    const slabinfo = [
      'slabinfo - version: 2.1',
      'tw_sock_TCPv6          0      0    256   16    1 : tunables    0    0    0 : slabdata      0      0      0',
      'tw_sock_TCP        28240  28240    256   16    1 : tunables    0    0    0 : slabdata   1765   1765      0',
      'TCPv6                 26     26   2496   13    8 : tunables    0    0    0 : slabdata      2      2      0',
      'TCP                  105    156   2368   13    8 : tunables    0    0    0 : slabdata     12     12      0',
    ].join('\n');
    expect(kernelTcpSockets(slabinfo)).toEqual({ full: 105, timeWait: 28_240 });
  });

  it('gives null when a slab is missing', () => {
    expect(kernelTcpSockets('TCP 105 156 2368 13 8 : tunables\n')).toBeNull();
  });
});
