import { startOptions } from '../../workers/start';

// `npm start` runs the supervisor over the real exchanges: no simulator part, and a SIM_URL left
// in the shell must not reach the orchestrator (it would trade against a simulator instead).
test('npm start supervises without a simulator, in paper mode unless TRADING_MODE=live, and drops a stray SIM_URL', () => {
  const o = startOptions({ TRADING_MODE: 'paper', SIM_URL: 'http://127.0.0.1:9', QBOT_DATA_DIR: '/tmp/x' });
  expect(o.simulator).toBe(false);
  expect(o.externalTemporal).toBe(false);
  expect(o.env).toEqual({ TRADING_MODE: 'paper', QBOT_DATA_DIR: '/tmp/x' });
  expect(startOptions({ QBOT_EXTERNAL_TEMPORAL: '1' }).externalTemporal).toBe(true);
});
