// The customer portal in headless Chromium: a report in English with JavaScript off (mistakes
// shown with everything typed kept, then sent, followed and answered), the same in Chinese, the
// language switch, the keyboard path through the form, an order from the catalogue in Chinese
// through a form made from the entry's definition, the satisfaction survey of resolved reports in
// both languages, and a complaint about a report in English.
// Screenshots of each page go to $SCREENSHOTS for a person to look at. Run by
// tests/browser/run.sh, which starts the host and sets up the portal's account.
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
// The API as the bootstrap administrator, or as the token given.
const api = async (method, path, body, token = process.env.BOOTSTRAP_TOKEN) => {
  const answer = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  assert.ok(answer.ok, `${method} ${path}: ${answer.status} ${text}`);
  return JSON.parse(text);
};
// A laptop anyone may order, its form in English and Chinese, published by the service
// department's manager.
const publishLaptops = async () => {
  await api("POST", "/api/v1/users", { user_name: "dept", display_name: "Service department" });
  await api("POST", "/api/v1/users/dept/roles", { role: "service_dept_manager", reason: "browser tests" });
  const { token } = await api("POST", "/api/v1/tokens", { label: "browser tests", user: "dept" });
  const label = (en, zh) => ({ en, zh });
  await api("PUT", "/api/v1/catalogue/entries/laptop", {
    service: "desktop-om",
    view: "business",
    name: label("Laptop", "笔记本电脑"),
    class: label("Equipment", "设备"),
    description: label("A laptop set up for you, delivered within a week.", "为您配置好的笔记本电脑，一周内送达。"),
    content_items: [label("Set-up and data transfer", "配置和数据迁移"), label("A bag", "电脑包")],
    fees: label("Charged to your department", "由所在部门承担"),
    request_form: {
      fields: [
        { key: "model", type: "choice", label: label("Model", "型号"), required: true,
          options: [{ value: "small", label: label("13 inch", "13 英寸") },
                    { value: "large", label: label("15 inch", "15 英寸") }] },
        { key: "reason", type: "text", label: label("Why", "原因"), required: true, min_length: 10,
          max_length: 200, help: label("Who will use it, and for what.", "谁使用、做什么用。") },
        { key: "count", type: "number", label: label("How many", "数量"), integer: true, min: 1, max: 5 },
        { key: "needed_by", type: "date", label: label("Needed by", "需要日期"), min_days_ahead: 1 },
        { key: "extras", type: "multi_choice", label: label("Extras", "配件"),
          options: [{ value: "dock", label: label("Dock", "扩展坞") },
                    { value: "mouse", label: label("Mouse", "鼠标") }] },
      ],
    },
    approval: { rule: "any", approvers: [{ role: "service_dept_manager" }] },
  }, token);
  await api("POST", "/api/v1/catalogue/versions", {}, token);
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
  const chineseAddress = page.url();

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

  step = "ordering from the catalogue, in Chinese, without JavaScript";
  await publishLaptops();
  // A new context: the one above remembers the switch to English.
  const ordering = await browser.newContext({ locale: "zh-CN", javaScriptEnabled: false });
  page = await ordering.newPage();
  await page.goto(`${base}/portal`);
  await page.getByRole("link", { name: "申请服务" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "设备" })), 1);
  await shot(page, "7-catalogue-zh");
  await page.getByRole("link", { name: "笔记本电脑" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "笔记本电脑" })), 1);
  await page.getByLabel("您的姓名").fill("王芳");
  await page.getByLabel("您的电子邮件地址").fill("wang.fang@acme.example");
  await page.getByLabel("原因").fill("<b>旧</b>");
  await page.getByLabel("数量").fill("两台");
  await page.getByLabel("鼠标").check();
  await page.getByRole("button", { name: "提交申请" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "有问题需要更正" })), 1);
  assert.equal(await page.getByRole("link", { name: /型号.*请填写此项。/ }).count(), 1);
  assert.equal(await page.getByLabel("原因").inputValue(), "<b>旧</b>", "kept as typed");
  assert.equal(await page.getByLabel("原因").getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("数量").inputValue(), "两台");
  assert.ok(await page.getByLabel("鼠标").isChecked(), "the box stays ticked");
  await shot(page, "8-order-mistakes-zh");
  await page.getByRole("link", { name: /型号.*请填写此项。/ }).click();
  assert.ok(page.url().endsWith("#answers.model"), "the summary links to the first option");
  await page.getByLabel("15 英寸").check();
  await page.getByLabel("原因").fill("新同事下周一入职，需要电脑");
  await page.getByLabel("数量").fill("1");
  const earliest = await page.getByLabel("需要日期").getAttribute("min");
  await page.getByLabel("需要日期").fill(earliest);
  await page.getByRole("button", { name: "提交申请" }).click();
  await page.waitForURL(/\/portal\/tickets\/REQ\d{7}\/[A-Za-z0-9_-]{22}$/);
  assert.equal(await page.locator("#state").textContent(), "等待审批");
  assert.equal(await seen(page.getByText("15 英寸")), 1);
  await shot(page, "9-order-page-zh");

  step = "rating resolved reports, in Chinese and in English";
  await api("POST", "/api/v1/users", { user_name: "desk", display_name: "Service desk" });
  await api("POST", "/api/v1/users/desk/roles", { role: "service_desk", reason: "browser tests" });
  const desk = (await api("POST", "/api/v1/tokens", { label: "browser tests", user: "desk" })).token;
  for (const reported of [chineseAddress, address]) {
    const number = reported.match(/INC\d{7}/)[0];
    await api("POST", `/api/v1/incidents/${number}/start`, {}, desk);
    await api("POST", `/api/v1/incidents/${number}/resolve`,
      { resolution_code: "solved_permanently", resolution_notes: "Replaced the lamp" }, desk);
  }
  page = await ordering.newPage();
  await page.goto(chineseAddress);
  assert.equal(await seen(page.getByRole("heading", { name: "您对我们的服务满意吗？" })), 1);
  await shot(page, "12-survey-zh");
  await page.getByLabel("非常满意").check();
  await page.getByLabel("还有什么想告诉我们的吗（选填）").fill("当天就修好了，谢谢！");
  await page.getByRole("button", { name: "提交评价" }).click();
  await page.waitForURL(/#satisfaction$/);
  assert.equal(await page.locator("#rating strong").textContent(), "非常满意");
  assert.equal(await page.getByRole("button", { name: "提交评价" }).count(), 0, "asked once");
  await shot(page, "13-rated-zh");
  page = await english.newPage();
  await page.goto(address);
  await page.getByLabel("Anything you want to tell us (optional)").fill("Slow, but <i>fixed</i>");
  await page.getByRole("button", { name: "Send my rating" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "There is a problem" })), 1);
  assert.equal(
    await page.getByLabel("Anything you want to tell us (optional)").inputValue(),
    "Slow, but <i>fixed</i>",
  );
  await shot(page, "14-rating-mistakes-en");
  await page.getByLabel("Dissatisfied", { exact: true }).check();
  await page.getByRole("button", { name: "Send my rating" }).click();
  await page.waitForURL(/#satisfaction$/);
  assert.equal(await page.locator("#rating strong").textContent(), "Dissatisfied");
  const summary = await api("GET", "/api/v1/satisfaction-responses/summary", undefined, desk);
  assert.deepEqual(summary.by_score, [0, 1, 0, 0, 1]);

  step = "a complaint about a report, in English";
  page = await english.newPage();
  await page.goto(address);
  await page.getByRole("link", { name: "Not happy with how this was handled? Tell us." }).click();
  assert.equal(await page.locator("#about").textContent(), address.match(/INC\d{7}/)[0]);
  await page.getByRole("button", { name: "Send" }).click();
  assert.equal(await seen(page.getByRole("heading", { name: "There is a problem" })), 1);
  await shot(page, "10-complaint-mistakes-en");
  await page.getByLabel("Complain: something was not good enough").check();
  await page.getByLabel("Your name").fill("Cy Young");
  await page.getByLabel("Your e-mail address").fill("cy@acme.example");
  await page.getByLabel("In a few words").fill("Nobody came to look at the printer");
  await page.getByLabel("Tell us more").fill("It has been three days.");
  await page.getByRole("button", { name: "Send" }).click();
  await page.waitForURL(/\/portal\/tickets\/CMP\d{7}\/[A-Za-z0-9_-]{22}$/);
  assert.equal(await page.locator("#state").textContent(), "Received");
  await shot(page, "11-complaint-page-en");

  console.log("portal browser tests: all passed");
} catch (error) {
  console.error(`portal browser tests failed at: ${step}`);
  throw error;
} finally {
  await browser.close();
}
