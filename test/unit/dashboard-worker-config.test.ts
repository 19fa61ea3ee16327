import { loadConfig, ConfigError } from '../../config/loader';
import { systemPorts } from '../../workers/system-ports';

test('the dashboard worker settings: unset by default, a health port of its own', () => {
  const c = loadConfig({ env: {} });
  expect(c.env.HOTPATH_STATUS_URLS).toBeUndefined();
  expect(c.env.TEMPORAL_UI_URL).toBeUndefined();
  expect(systemPorts({}, c).dashboardHealth).toBe(9466);
  expect(systemPorts({ DASHBOARD_HEALTH_PORT: '0' }, c).dashboardHealth).toBe(0);
  expect(() => systemPorts({ DASHBOARD_HEALTH_PORT: 'x' }, c)).toThrow(/DASHBOARD_HEALTH_PORT must be a port number/);
});

test('HOTPATH_STATUS_URLS is a comma-separated list of http(s) URLs; TEMPORAL_UI_URL loses its trailing slash', () => {
  const c = loadConfig({ env: { HOTPATH_STATUS_URLS: 'http://10.0.0.5:9464/status, http://127.0.0.1:9470/status', TEMPORAL_UI_URL: 'http://temporal-ui:8080/' } });
  expect(c.env.HOTPATH_STATUS_URLS).toEqual(['http://10.0.0.5:9464/status', 'http://127.0.0.1:9470/status']);
  expect(c.env.TEMPORAL_UI_URL).toBe('http://temporal-ui:8080');
  // Empty means unset (a line left in .env).
  expect(loadConfig({ env: { HOTPATH_STATUS_URLS: '', TEMPORAL_UI_URL: '' } }).env.HOTPATH_STATUS_URLS).toBeUndefined();
});

test.each([
  ['HOTPATH_STATUS_URLS', '127.0.0.1:9464/status', /HOTPATH_STATUS_URLS.*"127\.0\.0\.1:9464\/status" is not an http\(s\) URL/],
  ['HOTPATH_STATUS_URLS', ' , ', /HOTPATH_STATUS_URLS.*at least one URL/],
  ['TEMPORAL_UI_URL', 'temporal-ui:8080', /TEMPORAL_UI_URL.*must be an http\(s\) URL/],
])('%s=%j is refused naming the variable', (name, value, message) => {
  let err: unknown;
  try {
    loadConfig({ env: { [name]: value } });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toMatch(message);
});
