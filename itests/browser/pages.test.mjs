// The page of a running Sluice in Debian's Chromium (headless), driven by playwright-core: log in with
// the form, see a client appear when `logger` connects, search a message sent a moment earlier and open
// its details, follow the live tail, stop and start a listener (USER has the admin role), log out.
// Screenshots go to SHOTS. Exit 0 when every step passed.
//
// Environment: BASE (http://127.0.0.1:PORT), USER, PASSWORD, TCP_PORT (a TCP syslog listener),
// SHOTS (a directory), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const { BASE, USER, PASSWORD, TCP_PORT, SHOTS } = process.env;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(SHOTS, { recursive: true });
const tag = 'browser' + Date.now();

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let logger;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(BASE + '/sluice/');
  await page.waitForURL(BASE + '/sluice/login');
  await page.fill('#login input[name=user]', USER);
  await page.fill('#login input[name=password]', 'wrong');
  await page.click('#login button');
  await page.locator('#login-message', { hasText: 'Login failed' }).waitFor();
  await page.fill('#login input[name=user]', USER);
  await page.fill('#login input[name=password]', PASSWORD);
  await page.screenshot({ path: SHOTS + '/0-login.png', fullPage: true });
  await page.click('#login button');
  await page.waitForURL(BASE + '/sluice/');
  await page.locator('#user', { hasText: USER + ' (admin)' }).waitFor();
  console.log('logged in with the form');
  await page.locator('#components tr[data-name="tcp-main"]').waitFor();
  await page.locator('#rates canvas').first().waitFor();
  await page.screenshot({ path: SHOTS + '/1-status.png', fullPage: true });
  console.log('status page shows the components and the rate chart');

  // logger keeps its TCP connection while its stdin is open: the client appears on the page.
  logger = spawn('logger', ['--tcp', '-n', '127.0.0.1', '-P', TCP_PORT, '--rfc5424', '-t', tag],
    { stdio: ['pipe', 'inherit', 'inherit'] });
  logger.stdin.write('first line from the browser test ' + tag + '\n');
  await page.locator('#clients tr[data-listener="tcp-main"]').first().waitFor();
  await page.screenshot({ path: SHOTS + '/2-client.png', fullPage: true });
  console.log('the logger client appeared');

  // live tail: follow this app, then send a line
  await page.fill('#tail input[name=app]', tag);
  await page.click('#tail button');
  await page.locator('#tail-status', { hasText: 'following' }).waitFor();
  logger.stdin.write('tailed line ' + tag + '\n');
  await page.locator('#tail-events td', { hasText: 'tailed line ' + tag }).waitFor();
  await page.screenshot({ path: SHOTS + '/3-tail.png', fullPage: true });
  console.log('the live tail showed the line');

  // the rate chart has points: sampled by the server, pushed with the live status
  await page.waitForFunction(() => window.chartPoints && window.chartPoints() >= 2, null, { timeout: 30000 });
  console.log('the rate chart has ' + await page.evaluate(() => window.chartPoints()) + ' points');

  // search the first line (written to PostgreSQL by the shipper) and open it
  let found = false;
  for (let i = 0; i < 30 && !found; i++) {
    await page.fill('#search input[name=app]', tag);
    await page.fill('#search input[name=q]', 'first line');
    await page.click('#search button');
    await page.locator('#search-status', { hasText: /match|failed/ }).waitFor();
    found = await page.locator('#results td', { hasText: 'first line from the browser test ' + tag }).count() > 0;
    if (!found) await page.waitForTimeout(1000);
  }
  if (!found) throw new Error('the search did not find the message: ' + await page.textContent('#search-status'));
  await page.locator('#results td', { hasText: 'first line from the browser test' }).first().click();
  await page.locator('#detail', { hasText: '"app_name": "' + tag + '"' }).waitFor();
  await page.locator('#detail', { hasText: 'Signature: none (unsigned event)' }).waitFor();
  await page.locator('#histogram canvas').first().waitFor();
  const status = await page.textContent('#search-status');
  if (!status.startsWith('1 event(s) match')) throw new Error('histogram total: ' + status);
  const csv = await page.getAttribute('#export-csv', 'href');
  const exported = await page.evaluate(async (href) => (await fetch(href)).text(), csv);
  if (!exported.includes('first line from the browser test ' + tag)) throw new Error('CSV export: ' + exported);
  await page.screenshot({ path: SHOTS + '/4-search.png', fullPage: true });
  console.log('the search found the message, its histogram and its CSV export, and showed its details');

  // an administrator stops a listener and starts it again from its row
  logger.stdin.end();
  logger = null;
  await page.locator('#components tr[data-name="tcp-main"] button[data-action=stop]').click();
  await page.locator('#components tr[data-name="tcp-main"] td', { hasText: /^stopped$/ }).waitFor();
  await page.screenshot({ path: SHOTS + '/5-stopped.png', fullPage: true });
  await page.locator('#components tr[data-name="tcp-main"] button[data-action=start]').click();
  await page.locator('#components tr[data-name="tcp-main"] td', { hasText: /^running$/ }).waitFor();
  console.log('stopped and started tcp-main');

  await page.click('#logout button');
  await page.waitForURL(BASE + '/sluice/login?out');
  const after = await page.evaluate(async () => (await fetch('/sluice/api/status', {headers: {'X-Sluice-Page': '1'}})).status);
  if (after !== 401) throw new Error('after logout the API answered ' + after);
  console.log('logged out');
} finally {
  if (logger) logger.stdin.end();
  await browser.close();
}
