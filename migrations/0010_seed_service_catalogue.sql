-- The seeds' business catalogue (seed 004-1 §3.1, requirements §4.2) and the one technical entry
-- they give (§3.2, §4.3) as live services and catalogue entries in English and Chinese, published as
-- catalogue version 1 so a fresh install has something to order from. The seeds give no service
-- indicators, hours or levels, so none are invented here. The Chinese is the seeds' own wording
-- where it is given and a translation otherwise; the technical entry's service modes (on site,
-- hotline telephone) are implied by its content, not stated. The request forms and the approval on
-- key-applications are samples of this product, not seed content: edit or replace them.
-- Owner: the catalogue process. Rows are written once; later edits go through the API.

INSERT OR IGNORE INTO service (code, name, description, state, created_at, created_by, updated_at)
VALUES ('lan-om', '{"en":"LAN O&M","zh":"局域網運行維護"}',
    '{"en":"Operation and maintenance of the local area networks.","zh":"局域網的運行與維護。"}',
    'live', '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO service (code, name, description, state, created_at, created_by, updated_at)
VALUES ('network-om', '{"en":"Network system O&M","zh":"網絡系統運行維護"}',
    '{"en":"Operation and maintenance of network equipment, hosts and application-support software.","zh":"網絡設備、主機及應用支撐軟件的運行與維護。"}',
    'live', '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO service (code, name, description, state, created_at, created_by, updated_at)
VALUES ('key-applications', '{"en":"Key application systems","zh":"關鍵應用系統"}',
    '{"en":"Go-live conditions, configuration and O&M of the key application systems.","zh":"關鍵應用系統的上線條件、配置及運行維護。"}',
    'live', '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO service (code, name, description, state, created_at, created_by, updated_at)
VALUES ('desktop-om', '{"en":"Desktop computer system O&M (individual users)","zh":"桌面計算機系統運行維護(個人用戶)"}',
    '{"en":"Maintenance of individual users'' desktop computers and their peripherals.","zh":"個人用戶桌面計算機及其外設的維護。"}',
    'live', '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO service (code, name, description, state, created_at, created_by, updated_at)
VALUES ('hotline', '{"en":"Hotline service","zh":"熱線服務"}',
    '{"en":"The service desk''s hotline, mailbox and user communication.","zh":"服務台的熱線、郵箱及用戶溝通服務。"}',
    'live', '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('lan-om', 'lan-om', 'business',
    '{"service":"lan-om","view":"business","name":{"en":"LAN O&M","zh":"局域網運行維護"},"class":{"en":"Information-system O&M","zh":"信息系統運行維護"},"content_items":[{"en":"Information intranet O&M","zh":"信息內網運行維護"},{"en":"Wireless LAN O&M","zh":"無線局域網運行維護"}]}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('network-om', 'network-om', 'business',
    '{"service":"network-om","view":"business","name":{"en":"Network system O&M","zh":"網絡系統運行維護"},"class":{"en":"Information-system O&M","zh":"信息系統運行維護"},"content_items":[{"en":"Network equipment","zh":"網絡設備"},{"en":"Hosts (servers) and operating systems","zh":"主機（服務器）及操作系統"},{"en":"Application-support software (databases, middleware, data-mining software, etc.)","zh":"應用支撐軟件（數據庫、中間件、數據挖掘軟件等）"}]}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('key-applications', 'key-applications', 'business',
    '{"service":"key-applications","view":"business","name":{"en":"Key application systems","zh":"關鍵應用系統"},"class":{"en":"Application system O&M","zh":"應用系統運行維護"},"content_items":[{"en":"Provide the conditions for applications to go live and the related configuration services, and ensure the normal operation and use of the application systems","zh":"為應用系統上線提供條件，提供相關配置服務，保障應用系統正常運行和使用"},{"en":"System custom development and go-live O&M services","zh":"系統定制開發及上線運維服務"}],"request_form":{"fields":[{"key":"application","type":"text","label":{"en":"Application","zh":"應用系統"},"required":true,"max_length":100},{"key":"environment","type":"choice","label":{"en":"Environment","zh":"環境"},"required":true,"options":[{"value":"test","label":{"en":"Test","zh":"測試"}},{"value":"production","label":{"en":"Production","zh":"生產"}}]},{"key":"go_live_date","type":"date","label":{"en":"Planned go-live date","zh":"計劃上線日期"},"required":true,"min_days_ahead":5,"max_days_ahead":180,"help":{"en":"At least five days ahead, so the configuration can be prepared.","zh":"至少提前五天，以便準備配置。"}},{"key":"details","type":"text","label":{"en":"What is needed","zh":"需求說明"},"required":true,"max_length":2000}]},"approval":{"rule":"any","approvers":[{"role":"service_dept_manager"}]}}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('desktop-om', 'desktop-om', 'business',
    '{"service":"desktop-om","view":"business","name":{"en":"Desktop computer system O&M (individual users)","zh":"桌面計算機系統運行維護(個人用戶)"},"class":{"en":"IT application technical support","zh":"信息化應用技術支持"},"content_items":[{"en":"Desktop computer system maintenance","zh":"桌面計算機系統維護"},{"en":"Operating system and platform software maintenance","zh":"操作系統及平台軟件維護"},{"en":"Security maintenance","zh":"安全維護"},{"en":"Application system maintenance","zh":"應用系統維護"},{"en":"Daily maintenance of printers and scanners","zh":"打印機、掃描儀日常維護"}],"request_form":{"fields":[{"key":"problem_type","type":"choice","label":{"en":"What needs attention","zh":"需要處理的內容"},"required":true,"options":[{"value":"hardware","label":{"en":"Computer hardware","zh":"計算機硬件"}},{"value":"operating_system","label":{"en":"Operating system or platform software","zh":"操作系統或平台軟件"}},{"value":"security","label":{"en":"Security","zh":"安全"}},{"value":"application","label":{"en":"Application","zh":"應用系統"}},{"value":"printer_scanner","label":{"en":"Printer or scanner","zh":"打印機或掃描儀"}}]},{"key":"asset","type":"configuration_item","label":{"en":"Asset tag of the device","zh":"設備資產編號"},"help":{"en":"Printed on the label on the device, if there is one.","zh":"設備標籤上的編號（如有）。"}},{"key":"description","type":"text","label":{"en":"Describe what you need","zh":"請描述您的需求"},"required":true,"min_length":10,"max_length":2000},{"key":"preferred_date","type":"date","label":{"en":"Preferred date for a visit","zh":"希望上門日期"},"min_days_ahead":0,"max_days_ahead":30}]}}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('hotline', 'hotline', 'business',
    '{"service":"hotline","view":"business","name":{"en":"Hotline service","zh":"熱線服務"},"class":{"en":"Other services","zh":"其它服務"},"content_items":[{"en":"Hotline telephone support","zh":"熱線電話支持"},{"en":"Mailbox platform assurance service","zh":"郵箱平台保障服務"},{"en":"Software product maintenance response and service","zh":"軟件產品維護響應及服務"},{"en":"Keep close communication with users by e-mail, in writing, by telephone, etc.","zh":"通過電子郵件、書面、電話等方式與用戶保持密切溝通"},{"en":"Accept user complaints and reply to users with the handling results","zh":"受理用戶投訴並將處理結果回復用戶"},{"en":"Accept service requests","zh":"受理服務請求"},{"en":"User satisfaction survey","zh":"用戶滿意度調查"}]}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_entry (code, service_code, view, definition, created_at, created_by, updated_at)
VALUES ('desktop-computer-maintenance', 'desktop-om', 'technical',
    '{"service":"desktop-om","view":"technical","name":{"en":"Computer system maintenance","zh":"計算機系統維護"},"class":{"en":"IT application technical support","zh":"信息化應用技術支持"},"content_items":[{"en":"On-site hardware fault diagnosis and location (hard disk, motherboard, CPU, drives, graphics card, sound card, network card, power supply, keyboard, mouse, monitor)","zh":"現場硬件故障診斷與定位（硬盤、主板、CPU、驅動器、顯卡、聲卡、網卡、電源、鍵盤、鼠標、顯示器）"},{"en":"Hotline telephone technical support for hardware faults","zh":"硬件故障熱線電話技術支持"},{"en":"Related technical training and consultation","zh":"相關技術培訓與諮詢"},{"en":"Provide O&M management advice","zh":"提供運維管理建議"}],"service_modes":[{"en":"On site","zh":"現場"},{"en":"Hotline telephone","zh":"熱線電話"}]}',
    '2026-11-21T00:00:00.000Z', 'seed', '2026-11-21T00:00:00.000Z');

INSERT OR IGNORE INTO catalogue_version (catalogue_version, published_at, published_by, notes, item_count)
VALUES (1, '2026-11-21T00:00:00.000Z', 'seed', 'The business and technical catalogue of seed 004-1 §3', 6);

INSERT OR IGNORE INTO catalogue_item (catalogue_version, code, service_code, service_name, view, orderable, definition)
SELECT 1, e.code, e.service_code, s.name, e.view, json_extract(e.definition, '$.request_form') IS NOT NULL, e.definition
FROM catalogue_entry e JOIN service s ON s.code = e.service_code
WHERE e.created_by = 'seed';
