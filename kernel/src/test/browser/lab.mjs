// Opens a notebook in JupyterLab (already running), runs its one cell with Shift+Enter, and checks
// that an HTML table and a chart image appear in the cell's output. Keeps a screenshot.
//   node lab.mjs BASE_URL TOKEN NOTEBOOK_PATH SCREENSHOT_PNG
import { chromium } from 'playwright-core';

const [base, token, notebook, shot] = process.argv.slice(2);
const api = (path) => fetch(`${base}${path}`, { headers: { Authorization: `token ${token}` } }).then((r) => r.json());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function kernelIdle(deadline) {
  while (Date.now() < deadline) {
    const sessions = await api('/api/sessions');
    const s = sessions.find((x) => x.path === notebook || (x.notebook && x.notebook.path === notebook));
    if (s && s.kernel && s.kernel.execution_state === 'idle') return s.kernel.name;
    await sleep(500);
  }
  throw new Error(`the kernel of ${notebook} did not become idle`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
try {
  await page.goto(`${base}/lab/tree/${notebook}?token=${token}`, { waitUntil: 'domcontentloaded', timeout: 120000 });
  await page.waitForSelector('.jp-Notebook .jp-CodeCell .cm-content', { timeout: 120000 });
  const kernel = await kernelIdle(Date.now() + 180000);
  console.log(`notebook open, kernel '${kernel}' idle`);
  await page.click('.jp-Notebook .jp-CodeCell .cm-content');
  await page.keyboard.press('Shift+Enter');
  const out = '.jp-Notebook .jp-CodeCell .jp-OutputArea-output';
  await page.waitForSelector(`${out} table`, { timeout: 180000 });
  await page.waitForSelector(`${out} img[src^="data:image/"]`, { timeout: 60000 });
  const cells = await page.$$eval(`${out} table tbody tr`, (rows) => rows.length);
  const imgs = await page.$$eval(`${out} img`, (els) => els.map((e) => [e.naturalWidth, e.getAttribute('src').slice(0, 20)]));
  console.log(`table rows: ${cells}; images: ${JSON.stringify(imgs)}`);
  if (cells < 1 || imgs.length < 1 || imgs[0][0] === 0) throw new Error('the table or the chart is empty');
  await sleep(500);
} catch (e) {
  failed = true;
  console.error(`browser check failed: ${e.message}`);
} finally {
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  await browser.close();
}
process.exit(failed ? 1 : 0);
