// Runs Verdaccio on a free loopback port (port 0) with the config file given as argv[2] and
// prints `listening <port>` once it accepts connections. Started as a child process by the
// npm upstream suites so that stopping it is a real outage.
const { runServer } = require('verdaccio');

runServer(process.argv[2]).then(
  (server) => {
    server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
  },
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
    process.exit(1);
  },
);
