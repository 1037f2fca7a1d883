// The customer portal in headless Chromium: a report in English with JavaScript off (mistakes
// shown with everything typed kept, then sent, followed and answered), the same in Chinese, the
// language switch, and the keyboard path through the form. Screenshots of each page go to
// $SCREENSHOTS for a person to look at. Run by tests/browser/run.sh.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const base = process.env.BASE_URL;
const shots = process.env.SCREENSHOTS;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ["--no-sandbox"],
});
let step = "starting";
const shot = (page, name) => page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
// How many of `locator` the page shows, once the page a click led to has loaded.
const seen = async (locator) => {
  await locator.first().waitFor({ timeout: 10000 });
  return locator.count();
};

try {
  step = "English, without JavaScript";
  const english = await browser.newContext({ locale: "en-GB", javaScriptEnabled: false });
  let page = await english.newPage();
  let answer = await page.goto(`${base}/portal`);
  assert.equal(answer.status(), 200);
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await shot(page, "1-home-en");

  await page.getByRole("link", { name: "Report a problem" }).click();
  await page.getByLabel("Your name").fill("Cy Young");
  await page.getByLabel("Your e-mail address").fill("cy@acme");
  await page.getByLabel("Details").fill("Since Monday. <script>alert('x')</script>");
  await page.getByLabel("Who is affected?").selectOption("medium");
  await page.getByRole("button", { name: "Send the report" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "There is a problem" })), 1);
  assert.equal(await seen(page.getByRole("link", { name: /Fill this in\./ })), 1);
  assert.equal(await page.getByLabel("Your name").inputValue(), "Cy Young", "kept as typed");
  assert.equal(await page.getByLabel("Your e-mail address").inputValue(), "cy@acme");
  assert.equal(
    await page.getByLabel("Details").inputValue(),
    "Since Monday. <script>alert('x')</script>",
  );
  assert.equal(await page.getByLabel("Who is affected?").inputValue(), "medium");
  assert.equal(await page.getByLabel("Your e-mail address").getAttribute("aria-invalid"), "true");
  await shot(page, "2-report-mistakes-en");

  await page.getByRole("link", { name: /What is wrong.*Fill this in\./ }).click();
  assert.ok(page.url().endsWith("#summary"), "the summary links to the field");
  await page.getByLabel("Your e-mail address").fill("cy@acme.example");
  await page.getByLabel("What is wrong, in a few words").fill("Printer on floor 2 prints blank pages");
  await page.getByRole("button", { name: "Send the report" }).click();
  await page.waitForURL(/\/portal\/tickets\/INC\d{7}\/[A-Za-z0-9_-]{22}$/);
  const address = page.url();
  assert.equal(await page.locator("#state").textContent(), "Received");
  await page.getByLabel("Your message").fill("It is getting worse.");
  await page.getByRole("button", { name: "Send the message" }).click();
  assert.equal(await seen(page.getByText("It is getting worse.")), 1);
  assert.equal(await page.getByText("You", { exact: true }).count(), 1);
  await shot(page, "3-report-page-en");

  // A wrong key is a page that does not exist.
  answer = await page.goto(address.replace(/[A-Za-z0-9_-]{22}$/, "A".repeat(22)));
  assert.equal(answer.status(), 404);
  assert.equal(await page.getByRole("heading", { name: "Page not found" }).count(), 1);

  step = "Chinese, without JavaScript";
  const chinese = await browser.newContext({ locale: "zh-CN", javaScriptEnabled: false });
  page = await chinese.newPage();
  await page.goto(`${base}/portal/report`);
  assert.equal(await page.getAttribute("html", "lang"), "zh-Hans");
  await page.getByLabel("您的姓名").fill("王芳");
  await page.getByRole("button", { name: "提交报告" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "有问题需要更正" })), 1);
  assert.equal(await page.getByLabel("您的姓名").inputValue(), "王芳");
  await shot(page, "4-report-mistakes-zh");
  await page.getByLabel("您的电子邮件地址").fill("wang.fang@acme.example");
  await page.getByLabel("简要说明问题").fill("会议室投影仪无法开机");
  await page.getByLabel("详细情况").fill("从今天早上开始。");
  await page.getByRole("button", { name: "提交报告" }).click();
  await page.waitForURL(/\/portal\/tickets\//);
  assert.equal(await page.locator("#state").textContent(), "已收到");
  await shot(page, "5-report-page-zh");

  step = "the language switch";
  await page.getByRole("link", { name: "English" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: /^Your report INC/ })), 1);
  await page.goto(`${base}/portal`);
  assert.equal(await page.getAttribute("html", "lang"), "en", "the switch is remembered");

  step = "the keyboard";
  const keyboard = await browser.newContext({ locale: "en-GB" });
  page = await keyboard.newPage();
  await page.goto(`${base}/portal/report`);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to the content");
  const order = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.tagName));
  }
  // The header's two links, then the form field by field; the honeypot never.
  assert.deepEqual(
    order,
    ["A", "A", "name", "email", "summary", "details", "impact", "BUTTON"],
    `the keyboard's path: ${order}`,
  );
  await page.goto(`${base}/portal/report`);
  await page.getByLabel("Your name").focus();
  await page.keyboard.type("Kim");
  await page.keyboard.press("Enter");
  // Enter in a field sends the form; the answer names what is still missing.
  await page.getByRole("heading", { name: "There is a problem" }).waitFor({ timeout: 10000 });
  assert.equal(await page.getByLabel("Your name").inputValue(), "Kim");
  await shot(page, "6-keyboard-submit-en");

  console.log("portal browser tests: all passed");
} catch (error) {
  console.error(`portal browser tests failed at: ${step}`);
  throw error;
} finally {
  await browser.close();
}
