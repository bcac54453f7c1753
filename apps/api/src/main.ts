import 'reflect-metadata';
import { ConfigError, describeDatabase, loadConfig } from './config/config';
import { installShutdown } from './shutdown';
import { installProcessSafety, processSafetyLogger } from './process-safety';

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
  installProcessSafety(processSafetyLogger(config.logLevel));
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
  installShutdown(app, { drainSeconds: config.shutdownSeconds, log: (message) => process.stdout.write(`packgate: ${message}\n`) });
  flushLogs();
  process.stdout.write(`Packgate listening on ${config.publicUrl} (database ${describeDatabase(config)}, data ${config.dataDir})\n`);
}

void main();
