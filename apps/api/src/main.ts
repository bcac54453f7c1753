import 'reflect-metadata';
import { ConfigError, describeDatabase, loadConfig } from './config/config';

/** Entry point: `npm start`. Bad configuration stops here with one clear line. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`packgate: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { createApp } = await import('./app.factory');
  const { flushLogs } = await import('./logging/log-destination');
  let app;
  try {
    app = await createApp(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    process.stderr.write(`packgate: cannot start (${describeDatabase(config)}): ${(error as Error).message.split('\n')[0]}\n`);
    process.exit(1);
  }
  flushLogs();
  process.stdout.write(`Packgate listening on ${config.publicUrl} (database ${describeDatabase(config)}, data ${config.dataDir})\n`);
}

void main();
