import { describe, expect, it } from 'vitest';
import { KILL_REASON, Lifecycle, PROCESS_STATE, restartDelaySec } from '../../lib/model/process-lifecycle.js';

const config = { restartDelaySec: 10, restartDelayMaxSec: 300, backoffResetSec: 600, startupSec: 5 };

describe('process lifecycle', () => {
  it('restartDelaySec(): 0 for the first crash, then 10, 20, 40 ... capped at 300', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelaySec(config, n))).toEqual([
      0, 10, 20, 40, 80, 160, 300, 300,
    ]);
  });

  it('kill() -> start() -> ready() walks down, starting, up; epochs advance', () => {
    const p = new Lifecycle(config);
    expect(p.serving).toBe(true);
    const restartAt = p.kill(100, KILL_REASON.oom);
    expect(restartAt).toBe(100);
    expect(p.state).toBe(PROCESS_STATE.down);
    expect(p.epoch).toBe(1);
    expect(p.start(restartAt)).toBe(105);
    expect(p.state).toBe(PROCESS_STATE.starting);
    p.ready(105);
    expect(p.serving).toBe(true);
    expect([p.oomKills, p.restarts]).toEqual([1, 1]);
  });

  it('consecutive crashes back off; 10 minutes of running resets the back-off', () => {
    const p = new Lifecycle(config);
    p.ready(0);
    expect(p.kill(100, KILL_REASON.oom) - 100).toBe(0);
    p.ready(105);
    expect(p.kill(200, KILL_REASON.oom) - 200).toBe(10);
    p.ready(215);
    expect(p.kill(300, KILL_REASON.threadExhaustion) - 300).toBe(20);
    p.ready(325);
    expect(p.kill(1000, KILL_REASON.oom) - 1000).toBe(0);
    expect(p.fatalCrashes).toBe(1);
  });
});

describe('process lifecycle: deploys', () => {
  it('a deploy restarts at once, is not a crash, and resets the back-off', () => {
    const p = new Lifecycle(config);
    p.ready(0);
    p.kill(100, KILL_REASON.oom);
    p.start(100);
    p.ready(105);
    expect(p.kill(110, KILL_REASON.oom)).toBe(120); // second crash in a row: 10 s
    p.start(120);
    p.ready(125);
    expect(p.kill(130, KILL_REASON.deploy)).toBe(130);
    expect([p.oomKills, p.fatalCrashes, p.epoch]).toEqual([2, 0, 3]);
    p.start(130);
    p.ready(135);
    expect(p.kill(140, KILL_REASON.oom)).toBe(140); // the count started over: first crash, no delay
  });
});
