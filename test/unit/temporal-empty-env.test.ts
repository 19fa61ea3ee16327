import { temporalConnectSettings } from '../../signals/connection';
import { envSchema } from '../../config/env';

// `TEMPORAL_API_KEY=` (an empty line left in .env) used to turn TLS on and fail with a cryptic
// transport error against a plain local server: an empty value means "not set".
test('empty TEMPORAL_API_KEY and TLS variables are treated as unset', () => {
  const s = temporalConnectSettings({
    TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_API_KEY: '', TEMPORAL_TLS: '', TEMPORAL_TLS_CLIENT_CERT_PATH: '', TEMPORAL_TLS_CLIENT_KEY_PATH: '',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: '', TEMPORAL_TLS_SERVER_NAME: '', TEMPORAL_NAMESPACE: '',
  });
  expect(s.connectionOptions.apiKey).toBeUndefined();
  expect(s.connectionOptions.tls).toBeFalsy();
  expect(s.connectionOptions.address).toBe('127.0.0.1:7233');
  expect(s.namespace).toBe('default');
});

test('a set API key still turns TLS on (Temporal Cloud)', () => {
  const s = temporalConnectSettings({ TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233', TEMPORAL_API_KEY: 'key-123', TEMPORAL_NAMESPACE: 'ns.acct' });
  expect(s.connectionOptions.apiKey).toBe('key-123');
  expect(s.connectionOptions.tls).toBeTruthy();
  expect(s.namespace).toBe('ns.acct');
});

test('the config loader takes an empty TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE as unset too', () => {
  const env = envSchema.parse({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', TEMPORAL_API_KEY: '' });
  expect([env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE]).toEqual(['127.0.0.1:7233', 'default']);
});
