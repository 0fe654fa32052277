"""The default "E-commerce operations" checklist, in every language the app ships."""

TEMPLATE_NAMES = {"en": "E-commerce operations", "zh-hans": "电商运营", "zh-hant": "電商營運"}

# Each item: module key, how many days before the last working day it is due, and per-language text.
ITEMS = [
    # product
    {
        "module": "product",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Live catalogue and who can edit it",
            "steps": (
                "1. List every store back-end and the product categories each one carries.\n"
                "2. Name the sub-accounts that can edit listings and who uses each.\n"
                "3. Show where the master product sheet (SKU, barcode, status) is kept."
            ),
            "key_moments": (
                "Bulk price edits or delistings already scheduled; the date editing rights move to the "
                "successor."
            ),
            "cautions": (
                "Edits made from a shared sub-account cannot be traced to a person. Sub-accounts tied to "
                "the leaver's phone or email must be re-bound before the last day."
            ),
        },
        "zh-hans": {
            "title": "在售商品目录与编辑权限",
            "steps": (
                "1. 列出所有店铺后台及各自经营的类目。\n"
                "2. 写明可编辑商品的子账号及各自使用人。\n"
                "3. 演示商品总表（SKU、条码、状态）的存放位置。"
            ),
            "key_moments": "已排期的批量改价或下架任务；编辑权限移交给接手人的日期。",
            "cautions": (
                "用共用子账号做的改动无法追溯到个人。绑定离职员工手机或邮箱的子账号，须在最后工作日前改绑。"
            ),
        },
        "zh-hant": {
            "title": "在售商品目錄與編輯權限",
            "steps": (
                "1. 列出所有商店後台及各自經營的類目。\n"
                "2. 寫明可編輯商品的子帳號及各自使用人。\n"
                "3. 示範商品總表（SKU、條碼、狀態）的存放位置。"
            ),
            "key_moments": "已排定的批次改價或下架作業；編輯權限移交給接手人的日期。",
            "cautions": (
                "用共用子帳號做的修改無法追溯到個人。綁定離職員工手機或電子郵件的子帳號，"
                "須在最後工作日前改綁。"
            ),
        },
    },
    {
        "module": "product",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Upcoming listings and product content sources",
            "steps": (
                "1. List products due to go live, with planned dates and current status.\n"
                "2. Show where design files, photos and copy are stored.\n"
                "3. Name the agency or designer behind each and how to brief them."
            ),
            "key_moments": (
                "Launch dates; agency delivery dates for images and copy; platform review time before a "
                "listing goes live."
            ),
            "cautions": (
                "Final design files often sit only in the agency's drive or the leaver's chats: copy them "
                "to company storage. Check image usage rights and when they expire."
            ),
        },
        "zh-hans": {
            "title": "新品上架计划与素材来源",
            "steps": (
                "1. 列出待上架商品及计划上架日期、当前进度。\n"
                "2. 演示设计源文件、图片和文案的存放位置。\n"
                "3. 写明对应的代理公司或设计师及对接方式。"
            ),
            "key_moments": "上架日期；代理公司交付图片和文案的日期；平台审核所需时间。",
            "cautions": (
                "定稿源文件常常只存在代理公司网盘或个人聊天记录里，须转存到公司存储。"
                "核对图片授权范围及到期日。"
            ),
        },
        "zh-hant": {
            "title": "新品上架計畫與素材來源",
            "steps": (
                "1. 列出待上架商品及預計上架日期、目前進度。\n"
                "2. 示範設計原始檔、圖片與文案的存放位置。\n"
                "3. 寫明對應的代理商或設計師及聯繫方式。"
            ),
            "key_moments": "上架日期；代理商交付圖片與文案的日期；平台審核所需時間。",
            "cautions": (
                "定稿原始檔常常只存在代理商的雲端硬碟或個人聊天紀錄中，須轉存到公司儲存空間。"
                "核對圖片授權範圍與到期日。"
            ),
        },
    },
    {
        "module": "product",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Pricing rules and brand price floors",
            "steps": (
                "1. Write down how prices are set and who approves changes.\n"
                "2. List the minimum prices agreed with each brand and where the agreements are filed.\n"
                "3. Show any automatic repricing tools and their settings."
            ),
            "key_moments": (
                "Planned price changes and their dates; expiry or renewal dates of brand pricing agreements."
            ),
            "cautions": (
                "Coupons stacked on a sale price can push the final price below the brand floor and breach "
                "the agreement. Repricing tools keep running after the leaver has gone."
            ),
        },
        "zh-hans": {
            "title": "定价规则与品牌控价底线",
            "steps": (
                "1. 写明定价方法及改价审批人。\n"
                "2. 列出与各品牌约定的最低售价及协议存放位置。\n"
                "3. 演示自动调价工具及其设置。"
            ),
            "key_moments": "已计划的调价及日期；品牌控价协议的到期或续签日期。",
            "cautions": (
                "优惠券与活动价叠加可能击穿品牌底价，构成违约。自动调价工具在人员离职后仍会继续运行。"
            ),
        },
        "zh-hant": {
            "title": "定價規則與品牌最低售價",
            "steps": (
                "1. 寫明定價方式及改價核准人。\n"
                "2. 列出與各品牌約定的最低售價及協議存放位置。\n"
                "3. 示範自動調價工具及其設定。"
            ),
            "key_moments": "已規劃的調價及日期；品牌價格協議的到期或續約日期。",
            "cautions": "優惠券與活動價疊加可能跌破品牌底價而違約。自動調價工具在人員離職後仍會持續運作。",
        },
    },
    {
        "module": "product",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Products under compliance review or takedown risk",
            "steps": (
                "1. List products with open platform warnings, review requests or takedowns.\n"
                "2. For each, note the reason, documents already submitted and the next step.\n"
                "3. Show where certificates, test reports and brand authorisations are kept."
            ),
            "key_moments": (
                "Appeal and document submission deadlines; expiry dates of certificates and test reports."
            ),
            "cautions": (
                "A missed appeal deadline usually makes a takedown final and can cost store rating points. "
                "Absolute claims ('best', 'cures') in product copy are a common trigger."
            ),
        },
        "zh-hans": {
            "title": "合规审核中或有下架风险的商品",
            "steps": (
                "1. 列出收到平台警告、审核要求或已被下架的商品。\n"
                "2. 逐一写明原因、已提交的材料和下一步。\n"
                "3. 演示资质证书、检测报告和品牌授权书的存放位置。"
            ),
            "key_moments": "申诉及补交材料截止日；资质证书和检测报告的到期日。",
            "cautions": (
                "错过申诉期通常意味着下架成为定局，还可能被扣店铺分。文案中的极限词、功效宣称是常见触发原因。"
            ),
        },
        "zh-hant": {
            "title": "法規審查中或有下架風險的商品",
            "steps": (
                "1. 列出收到平台警告、審查要求或已被下架的商品。\n"
                "2. 逐一寫明原因、已提交的文件與下一步。\n"
                "3. 示範證書、檢驗報告與品牌授權書的存放位置。"
            ),
            "key_moments": "申訴及補件截止日；證書與檢驗報告的到期日。",
            "cautions": (
                "錯過申訴期限通常會讓下架成為定局，還可能被扣商店分數。文案中的誇大用語或療效宣稱是常見原因。"
            ),
        },
    },
    {
        "module": "product",
        "due_days_before_last_day": 10,
        "en": {
            "title": "Running and registered campaigns and platform sales events",
            "steps": (
                "1. List every running campaign with start and end dates and the products in it.\n"
                "2. List platform sales events already registered or planned, with registration status.\n"
                "3. Show where campaign settings and approved budgets are recorded."
            ),
            "key_moments": (
                "Campaign end dates; registration deadlines for platform events (often weeks ahead); price "
                "and stock lock dates."
            ),
            "cautions": (
                "A campaign nobody ends can keep selling at a loss. A missed registration deadline means "
                "sitting out a major sales event. Stock promised to an event must be reserved."
            ),
        },
        "zh-hans": {
            "title": "进行中及已报名的活动与平台大促",
            "steps": (
                "1. 列出所有进行中的活动，含起止日期和参与商品。\n"
                "2. 列出已报名或计划报名的平台大促及报名状态。\n"
                "3. 演示活动设置和已批预算的记录位置。"
            ),
            "key_moments": "活动结束日期；平台大促报名截止日（通常需提前数周）；锁价、锁库存日期。",
            "cautions": (
                "无人结束的活动可能一直亏本销售。错过报名截止日就无法参加大促。承诺给活动的库存必须预留。"
            ),
        },
        "zh-hant": {
            "title": "進行中及已報名的活動與平台檔期",
            "steps": (
                "1. 列出所有進行中的活動，含起訖日期與參加商品。\n"
                "2. 列出已報名或預計報名的平台大型檔期及報名狀態。\n"
                "3. 示範活動設定與已核准預算的紀錄位置。"
            ),
            "key_moments": "活動結束日期；平台檔期報名截止日（通常需提前數週）；鎖價、鎖庫存日期。",
            "cautions": (
                "沒人關閉的活動可能持續虧本銷售。錯過報名截止日就無法參加大型檔期。承諾給活動的庫存必須保留。"
            ),
        },
    },
    {
        "module": "product",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Coupon and discount rules",
            "steps": (
                "1. List active coupons and discount codes: value, minimum spend, quantity, validity.\n"
                "2. Write down how coupons, store discounts and platform subsidies stack.\n"
                "3. Show how a coupon is created and who approves it."
            ),
            "key_moments": (
                "Coupon expiry dates; start dates of scheduled coupons; monthly coupon budget limits."
            ),
            "cautions": (
                "An unlimited quantity or a wrong minimum spend can be exploited within hours. Codes "
                "shared with influencers or customer groups often stay valid longer than intended."
            ),
        },
        "zh-hans": {
            "title": "优惠券与折扣规则",
            "steps": (
                "1. 列出生效中的优惠券和折扣码：面额、门槛、数量、有效期。\n"
                "2. 写明优惠券、店铺折扣与平台补贴之间的叠加规则。\n"
                "3. 演示优惠券的创建流程及审批人。"
            ),
            "key_moments": "优惠券到期日；定时优惠券的生效日期；每月优惠券预算上限。",
            "cautions": (
                "不限数量或门槛设错，几小时内就可能被薅羊毛。发给达人或客户群的券码往往比预期有效得更久。"
            ),
        },
        "zh-hant": {
            "title": "優惠券與折扣規則",
            "steps": (
                "1. 列出生效中的優惠券與折扣碼：面額、門檻、數量、有效期限。\n"
                "2. 寫明優惠券、商店折扣與平台補貼之間的疊加規則。\n"
                "3. 示範優惠券的建立流程及核准人。"
            ),
            "key_moments": "優惠券到期日；排程優惠券的生效日期；每月優惠券預算上限。",
            "cautions": (
                "不限數量或門檻設錯，幾小時內就可能被大量套利。發給網紅或客戶群組的優惠碼，"
                "常比預期有效得更久。"
            ),
        },
    },
    # orders
    {
        "module": "orders",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Daily order routine and same-day shipping cut-offs",
            "steps": (
                "1. Write the daily routine step by step: when orders are pulled, checked, printed, sent "
                "to the warehouse.\n"
                "2. Show the order system or ERP screens used.\n"
                "3. Note who covers weekends and holidays."
            ),
            "key_moments": (
                "Same-day shipping cut-off per store; warehouse batch times; holiday shipping schedule."
            ),
            "cautions": (
                "Orders arriving just before the cut-off are the ones most often missed. Promised shipping "
                "times (e.g. 24 or 48 hours) differ per platform and product."
            ),
        },
        "zh-hans": {
            "title": "每日订单处理流程与当日发货截单时间",
            "steps": (
                "1. 逐步写明每日流程：何时拉单、审单、打单、交给仓库。\n"
                "2. 演示使用的订单系统或ERP界面。\n"
                "3. 写明周末和节假日由谁值班。"
            ),
            "key_moments": "各店铺当日发货截单时间；仓库批次处理时间；节假日发货安排。",
            "cautions": (
                "临近截单时间进来的订单最容易漏发。承诺的发货时效（如24或48小时）因平台和商品而异。"
            ),
        },
        "zh-hant": {
            "title": "每日訂單處理流程與當日出貨截單時間",
            "steps": (
                "1. 逐步寫明每日流程：何時匯入訂單、審單、列印出貨單、交給倉庫。\n"
                "2. 示範使用的訂單系統或ERP畫面。\n"
                "3. 寫明週末與國定假日由誰值班。"
            ),
            "key_moments": "各商店當日出貨截單時間；倉庫批次作業時間；連假出貨安排。",
            "cautions": (
                "接近截單時間才進來的訂單最容易漏出。承諾的出貨時效（如24或48小時）因平台與商品而異。"
            ),
        },
    },
    {
        "module": "orders",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Order exceptions: address changes and split shipments",
            "steps": (
                "1. Show how an address is corrected before and after the parcel is packed.\n"
                "2. Explain when an order is split and how a tracking number is uploaded for each parcel.\n"
                "3. List exceptions still open and their status."
            ),
            "key_moments": (
                "The last moment the warehouse can still change an address; deadlines for uploading "
                "tracking numbers."
            ),
            "cautions": (
                "An address change agreed only in chat may not count in a dispute: record it in the order "
                "system. Uploading one tracking number for a split order can be judged a fake shipment."
            ),
        },
        "zh-hans": {
            "title": "订单异常：改地址与拆单发货",
            "steps": (
                "1. 演示打包前后分别如何修改收货地址。\n"
                "2. 说明何时拆单，以及如何为每个包裹上传运单号。\n"
                "3. 列出尚未处理完的异常订单及进度。"
            ),
            "key_moments": "仓库仍可改地址的最后时点；上传运单号的截止时间。",
            "cautions": (
                "仅在聊天中约定的改地址，发生纠纷时可能不被认可，须在订单系统内留痕。"
                "拆单只上传一个运单号可能被判虚假发货。"
            ),
        },
        "zh-hant": {
            "title": "訂單異常：更改地址與拆單出貨",
            "steps": (
                "1. 示範包裝前後分別如何更改收件地址。\n"
                "2. 說明何時拆單，以及如何為每個包裹上傳貨運單號。\n"
                "3. 列出尚未處理完的異常訂單及進度。"
            ),
            "key_moments": "倉庫仍可更改地址的最後時間點；上傳貨運單號的截止時間。",
            "cautions": (
                "只在聊天中約定的改址，發生糾紛時可能不被採認，須在訂單系統留下紀錄。拆單只上傳一個單號，"
                "可能被判定為虛假出貨。"
            ),
        },
    },
    {
        "module": "orders",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Paid orders that turn out to be out of stock",
            "steps": (
                "1. Explain how oversold orders are spotted (stock sync, warehouse feedback).\n"
                "2. Write down what the customer may be offered: wait, swap, cancel and refund, "
                "compensation.\n"
                "3. Show the message templates used."
            ),
            "key_moments": "Platform deadline to ship or cancel an oversold order; supplier restock dates.",
            "cautions": (
                "Cancelling a paid order for lack of stock usually counts as seller fault and lowers the "
                "store rating. Slow stock sync between channels is the usual root cause."
            ),
        },
        "zh-hans": {
            "title": "付款后缺货的订单",
            "steps": (
                "1. 说明如何发现超卖订单（库存同步、仓库反馈）。\n"
                "2. 写明可提供给顾客的方案：等待、换货、取消退款，以及允许的补偿。\n"
                "3. 演示使用的话术模板。"
            ),
            "key_moments": "平台对超卖订单发货或取消的时限；供应商补货日期。",
            "cautions": (
                "因缺货取消已付款订单通常算卖家责任，会拉低店铺评分。多渠道库存同步延迟是最常见的根源。"
            ),
        },
        "zh-hant": {
            "title": "付款後缺貨的訂單",
            "steps": (
                "1. 說明如何發現超賣訂單（庫存同步、倉庫回報）。\n"
                "2. 寫明可提供給顧客的方案：等待、換貨、取消並退款，以及可給的補償。\n"
                "3. 示範使用的回覆範本。"
            ),
            "key_moments": "平台對超賣訂單出貨或取消的期限；供應商補貨日期。",
            "cautions": (
                "因缺貨取消已付款訂單通常算賣家責任，會拉低商店評分。多通路庫存同步延遲是最常見的根源。"
            ),
        },
    },
    {
        "module": "orders",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Refunds and returns: flow and approvers",
            "steps": (
                "1. Map the refund and return flow per platform, from request to money back.\n"
                "2. Name who approves refunds at each amount level.\n"
                "3. Write down the known bottlenecks and how they were solved."
            ),
            "key_moments": (
                "Platform deadlines to answer refund requests before they are auto-approved; inspection "
                "window after a return arrives."
            ),
            "cautions": (
                "Refund reviews stall when only the leaver holds the approval permission: move it before "
                "the last day. Requests left unanswered are often refunded automatically by the platform."
            ),
        },
        "zh-hans": {
            "title": "退款退货流程与审批人",
            "steps": (
                "1. 按平台梳理从申请到退款到账的退款退货流程。\n"
                "2. 写明不同金额级别由谁审批退款。\n"
                "3. 记录已知的卡点及解决办法。"
            ),
            "key_moments": "平台自动同意退款前的响应时限；退货签收后的验货时限。",
            "cautions": (
                "只有离职员工持有审批权限时，退款审核会卡住，须在最后工作日前移交。"
                "未及时处理的申请常被平台自动退款。"
            ),
        },
        "zh-hant": {
            "title": "退款退貨流程與核准人",
            "steps": (
                "1. 依平台整理從申請到退款入帳的退款退貨流程。\n"
                "2. 寫明不同金額級距由誰核准退款。\n"
                "3. 記錄已知的卡關點及解決方式。"
            ),
            "key_moments": "平台自動同意退款前的回應期限；退貨簽收後的驗貨期限。",
            "cautions": (
                "只有離職員工持有核准權限時，退款審核會卡住，須在最後工作日前移交。"
                "逾期未處理的申請常被平台自動退款。"
            ),
        },
    },
    {
        "module": "orders",
        "due_days_before_last_day": 4,
        "en": {
            "title": "Marketplace shipping penalties and metrics",
            "steps": (
                "1. List each platform's shipping rules and the store's current late-shipment and "
                "cancellation rates.\n"
                "2. Show where penalties and warnings are viewed.\n"
                "3. Note open appeals and the evidence used."
            ),
            "key_moments": (
                "Shipping deadline per platform; metric review periods; appeal deadlines for penalties."
            ),
            "cautions": (
                "Penalties pile up quietly: points lost this month can block campaign registration next "
                "month. The carrier's pickup scan, not packing time, is what counts as shipped."
            ),
        },
        "zh-hans": {
            "title": "平台发货处罚与考核指标",
            "steps": (
                "1. 列出各平台发货规则及店铺当前的延迟发货率、取消率。\n"
                "2. 演示在哪里查看处罚和警告。\n"
                "3. 写明未结的申诉及所用证据。"
            ),
            "key_moments": "各平台发货时限；指标考核周期；处罚申诉截止日。",
            "cautions": (
                "处罚会悄悄累积：本月扣分可能导致下月无法报名活动。以快递揽收扫描为准才算已发货，"
                "而不是打包时间。"
            ),
        },
        "zh-hant": {
            "title": "平台出貨罰則與考核指標",
            "steps": (
                "1. 列出各平台出貨規則及商店目前的延遲出貨率、取消率。\n"
                "2. 示範在哪裡查看罰則與警告。\n"
                "3. 寫明尚未結案的申訴及所用證據。"
            ),
            "key_moments": "各平台出貨期限；指標考核週期；罰則申訴截止日。",
            "cautions": (
                "罰則會默默累積：本月被扣分，下個月可能就無法報名活動。以物流收件掃描為準才算已出貨，"
                "而不是包裝時間。"
            ),
        },
    },
    # customer_service
    {
        "module": "customer_service",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Key and VIP customers",
            "steps": (
                "1. List key customers with their contact channel and usual contact person.\n"
                "2. Summarise purchase history, preferences and any open promises made to them.\n"
                "3. Introduce the successor to each in a joint message or call."
            ),
            "key_moments": (
                "Dates of promised deliveries, callbacks or special prices; contract or membership renewal "
                "dates."
            ),
            "cautions": (
                "Promises made in private chats are invisible to the successor unless written down. Keep "
                "customer data in company systems, never exported to personal devices."
            ),
        },
        "zh-hans": {
            "title": "重点客户与VIP客户",
            "steps": (
                "1. 列出重点客户及其联系渠道和常用联系人。\n"
                "2. 概述购买记录、偏好以及尚未兑现的承诺。\n"
                "3. 通过联合消息或通话把接手人介绍给每位客户。"
            ),
            "key_moments": "已承诺的交付、回访或特价日期；客户合同或会员续约日期。",
            "cautions": (
                "私聊中做出的承诺如不写下来，接手人无从知道。客户资料应保留在公司系统内，不要导出到个人设备。"
            ),
        },
        "zh-hant": {
            "title": "重點客戶與VIP客戶",
            "steps": (
                "1. 列出重點客戶及其聯絡管道與常用窗口。\n"
                "2. 摘要購買紀錄、偏好，以及尚未兌現的承諾。\n"
                "3. 透過共同訊息或通話，把接手人介紹給每位客戶。"
            ),
            "key_moments": "已承諾的交貨、回電或特價日期；客戶合約或會員續約日期。",
            "cautions": (
                "私訊中做出的承諾若沒寫下來，接手人無從得知。客戶資料應保留在公司系統內，不要匯出到個人裝置。"
            ),
        },
    },
    {
        "module": "customer_service",
        "due_days_before_last_day": 9,
        "en": {
            "title": "Open disputes and complaints",
            "steps": (
                "1. List every open dispute, complaint and platform arbitration case with its order "
                "number.\n"
                "2. For each, write what happened, what was offered and the evidence already uploaded.\n"
                "3. Agree who takes over each case and tell the customer."
            ),
            "key_moments": (
                "Platform reply and evidence deadlines; arbitration dates; reply deadlines set by consumer "
                "protection bodies."
            ),
            "cautions": (
                "A missed reply deadline usually means the platform rules against the store automatically. "
                "Keep the wording and the offer consistent when the handler changes."
            ),
        },
        "zh-hans": {
            "title": "未结纠纷与投诉",
            "steps": (
                "1. 列出所有未结纠纷、投诉和平台介入案件及订单号。\n"
                "2. 逐一写明经过、已提出的方案和已上传的凭证。\n"
                "3. 确定每个案件的接手人并告知客户。"
            ),
            "key_moments": "平台回复与举证截止时间；仲裁日期；消费者协会等机构的回复期限。",
            "cautions": (
                "错过回复时限，平台通常会直接判店铺败诉。更换处理人时，沟通口径和补偿方案要保持一致。"
            ),
        },
        "zh-hant": {
            "title": "未結案糾紛與客訴",
            "steps": (
                "1. 列出所有未結案的糾紛、客訴與平台介入案件及訂單編號。\n"
                "2. 逐一寫明經過、已提出的方案與已上傳的證據。\n"
                "3. 確定每個案件的接手人並告知客戶。"
            ),
            "key_moments": "平台回覆與舉證截止時間；仲裁日期；消保單位要求的回覆期限。",
            "cautions": "錯過回覆期限，平台通常會直接判商店敗訴。更換處理人時，說法與補償方案要保持一致。",
        },
    },
    {
        "module": "customer_service",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Quick-reply library",
            "steps": (
                "1. Show where the quick replies live in each customer service tool.\n"
                "2. Mark which replies are current and which are outdated.\n"
                "3. Note who may edit the shared library."
            ),
            "key_moments": (
                "Replies tied to campaigns or seasonal policies, and the date each must be updated or "
                "removed."
            ),
            "cautions": (
                "Personal quick-reply sets disappear with the leaver's account: copy them into the shared "
                "library first. Outdated replies quoting old prices or policies cause disputes."
            ),
        },
        "zh-hans": {
            "title": "快捷回复话术库",
            "steps": (
                "1. 演示各客服工具中快捷回复的存放位置。\n"
                "2. 标出哪些话术仍在用、哪些已过时。\n"
                "3. 写明谁有权修改共享话术库。"
            ),
            "key_moments": "与活动或季节性政策绑定的话术，及其须更新或删除的日期。",
            "cautions": (
                "个人快捷回复会随离职员工账号一起消失，须先导入共享话术库。"
                "引用旧价格或旧政策的过时话术容易引发纠纷。"
            ),
        },
        "zh-hant": {
            "title": "快速回覆範本庫",
            "steps": (
                "1. 示範各客服工具中快速回覆的存放位置。\n"
                "2. 標出哪些範本仍在使用、哪些已過時。\n"
                "3. 寫明誰有權修改共用範本庫。"
            ),
            "key_moments": "與活動或季節性政策綁定的範本，及其須更新或刪除的日期。",
            "cautions": (
                "個人快速回覆會隨離職員工帳號一起消失，須先匯入共用範本庫。"
                "引用舊價格或舊政策的過時範本容易引起糾紛。"
            ),
        },
    },
    {
        "module": "customer_service",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Escalation rules",
            "steps": (
                "1. Write down which cases go to whom: large refunds, legal threats, media or regulator "
                "contact, product safety.\n"
                "2. List escalation contacts inside the company and at each platform.\n"
                "3. Walk through one recent escalated case."
            ),
            "key_moments": "Response time targets per escalation level; out-of-hours cover arrangements.",
            "cautions": (
                "Product safety complaints and regulator contact must be escalated the same day. Platform "
                "contacts change often: check they are still valid."
            ),
        },
        "zh-hans": {
            "title": "升级处理规则",
            "steps": (
                "1. 写明哪类情况交给谁：大额退款、法律威胁、媒体或监管部门联系、产品安全问题。\n"
                "2. 列出公司内部及各平台的升级联系人。\n"
                "3. 复盘一个近期升级处理的案例。"
            ),
            "key_moments": "各升级级别的响应时限；非工作时间的值班安排。",
            "cautions": (
                "产品安全投诉和监管部门联系必须当天升级。平台对接人变动频繁，须确认联系方式仍然有效。"
            ),
        },
        "zh-hant": {
            "title": "升級處理規則",
            "steps": (
                "1. 寫明哪類狀況交給誰：大額退款、法律威脅、媒體或主管機關聯繫、商品安全問題。\n"
                "2. 列出公司內部及各平台的升級聯絡窗口。\n"
                "3. 檢討一個近期升級處理的案例。"
            ),
            "key_moments": "各升級層級的回應時限；非上班時間的值班安排。",
            "cautions": (
                "商品安全客訴與主管機關聯繫必須當天升級。平台窗口異動頻繁，須確認聯絡方式仍然有效。"
            ),
        },
    },
    {
        "module": "customer_service",
        "due_days_before_last_day": 4,
        "en": {
            "title": "After-sales policies per platform",
            "steps": (
                "1. List each platform's return window, warranty terms and who pays return shipping.\n"
                "2. Note where the store's own policy is stricter or looser than the platform's.\n"
                "3. Show where the policy text is published and who can change it."
            ),
            "key_moments": "Return and warranty windows; dates when platform policy changes take effect.",
            "cautions": (
                "In a dispute the platform's rules beat what the store page says. Policy pages edited for "
                "a campaign are often never changed back."
            ),
        },
        "zh-hans": {
            "title": "各平台售后政策",
            "steps": (
                "1. 列出各平台的退货期限、保修条款及退货运费承担方。\n"
                "2. 写明店铺自身政策比平台更严或更宽的地方。\n"
                "3. 演示政策文本的发布位置及修改权限。"
            ),
            "key_moments": "退货及保修期限；平台政策调整的生效日期。",
            "cautions": (
                "发生纠纷时以平台规则为准，而不是店铺页面的说法。为活动临时修改的政策页面常常忘记改回。"
            ),
        },
        "zh-hant": {
            "title": "各平台售後政策",
            "steps": (
                "1. 列出各平台的退貨期限、保固條款及退貨運費由誰負擔。\n"
                "2. 寫明商店自身政策比平台更嚴或更寬的地方。\n"
                "3. 示範政策文字的發布位置及修改權限。"
            ),
            "key_moments": "退貨及保固期限；平台政策異動的生效日期。",
            "cautions": (
                "發生糾紛時以平台規則為準，而非商店頁面的說法。為活動臨時修改的政策頁面，常常忘記改回。"
            ),
        },
    },
    # logistics
    {
        "module": "logistics",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Warehouses and 3PL contacts",
            "steps": (
                "1. List each warehouse and third-party logistics provider: address, what it stocks, "
                "contact person and channel.\n"
                "2. Show how inbound deliveries are booked.\n"
                "3. Introduce the successor to each contact."
            ),
            "key_moments": (
                "Inbound booking lead times; warehouse closure days around holidays; contract renewal dates."
            ),
            "cautions": (
                "Many 3PLs only act on requests from named contacts: update their authorised contact list. "
                "Inbound deliveries without a booking may be refused."
            ),
        },
        "zh-hans": {
            "title": "仓库与第三方物流联系人",
            "steps": (
                "1. 列出每个仓库和第三方物流：地址、存放货品、联系人及联系方式。\n"
                "2. 演示入库预约流程。\n"
                "3. 把接手人介绍给各联系人。"
            ),
            "key_moments": "入库预约提前期；节假日前后仓库停工日；合同续签日期。",
            "cautions": (
                "不少第三方物流只接受指定联系人的指令，须更新授权联系人名单。未预约的入库货物可能被拒收。"
            ),
        },
        "zh-hant": {
            "title": "倉庫與第三方物流窗口",
            "steps": (
                "1. 列出每個倉庫與第三方物流：地址、存放商品、聯絡窗口及聯絡方式。\n"
                "2. 示範進倉預約流程。\n"
                "3. 把接手人介紹給各窗口。"
            ),
            "key_moments": "進倉預約需提前的天數；連假前後倉庫停工日；合約續約日期。",
            "cautions": (
                "不少第三方物流只接受指定窗口的指示，須更新授權聯絡人名單。未預約的進倉貨物可能被拒收。"
            ),
        },
    },
    {
        "module": "logistics",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Carrier contracts and rate cards",
            "steps": (
                "1. List the carriers used, which orders go to which, and where each contract is filed.\n"
                "2. Show the current rate cards, surcharges and volume discounts.\n"
                "3. Explain how carrier bills are checked."
            ),
            "key_moments": (
                "Contract expiry and rate review dates; peak-season surcharge periods; committed volumes "
                "per quarter."
            ),
            "cautions": (
                "Falling short of a committed volume can cancel the discount retroactively. Remote-area "
                "and oversize surcharges are where bills most often go wrong."
            ),
        },
        "zh-hans": {
            "title": "快递合同与运费价目表",
            "steps": (
                "1. 列出合作快递、各自承运哪些订单以及合同存放位置。\n"
                "2. 演示当前价目表、附加费和阶梯折扣。\n"
                "3. 说明如何核对快递账单。"
            ),
            "key_moments": "合同到期及价格复审日期；旺季附加费期间；每季度承诺的发货量。",
            "cautions": (
                "未达到承诺的发货量，折扣可能被追溯取消。偏远地区和超规附加费是账单最容易出错的地方。"
            ),
        },
        "zh-hant": {
            "title": "物流合約與運費價目表",
            "steps": (
                "1. 列出合作物流商、各自承運哪些訂單以及合約存放位置。\n"
                "2. 示範目前的價目表、附加費與量大優惠。\n"
                "3. 說明如何核對物流帳單。"
            ),
            "key_moments": "合約到期及費率檢討日期；旺季附加費期間；每季承諾的出貨量。",
            "cautions": "未達承諾出貨量，折扣可能被追溯取消。偏遠地區與超材附加費是帳單最常出錯的地方。",
        },
    },
    {
        "module": "logistics",
        "due_days_before_last_day": 4,
        "en": {
            "title": "Daily carrier pickup times",
            "steps": (
                "1. List the daily pickup time for each carrier at each warehouse.\n"
                "2. Show how an extra or late pickup is requested, and from whom.\n"
                "3. Note what happens to parcels that miss the pickup."
            ),
            "key_moments": (
                "Pickup times on weekdays, weekends and holidays; the latest time an extra pickup can be "
                "booked."
            ),
            "cautions": (
                "Pickup times shift in peak season and around holidays with little notice. The shipping "
                "cut-off promised to customers must stay earlier than the real pickup time."
            ),
        },
        "zh-hans": {
            "title": "每日快递揽收时间",
            "steps": (
                "1. 列出各快递在各仓库的每日揽收时间。\n"
                "2. 演示如何申请加揽或延迟揽收，找谁。\n"
                "3. 写明错过揽收的包裹如何处理。"
            ),
            "key_moments": "工作日、周末及节假日的揽收时间；可预约加揽的最晚时间。",
            "cautions": "旺季和节假日的揽收时间常临时变动。对顾客承诺的发货截单时间必须早于实际揽收时间。",
        },
        "zh-hant": {
            "title": "每日物流收件時間",
            "steps": (
                "1. 列出各物流商在各倉庫的每日收件時間。\n"
                "2. 示範如何申請加派或延後收件，找誰。\n"
                "3. 寫明錯過收件的包裹如何處理。"
            ),
            "key_moments": "平日、週末及國定假日的收件時間；可預約加派收件的最晚時間。",
            "cautions": "旺季與連假的收件時間常臨時變動。對顧客承諾的出貨截單時間，必須早於實際收件時間。",
        },
    },
    {
        "module": "logistics",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Stock alerts and replenishment thresholds",
            "steps": (
                "1. Show where stock levels are watched and how alerts are set.\n"
                "2. List the reorder point and reorder quantity for the main products.\n"
                "3. List purchase orders already placed and when they should arrive."
            ),
            "key_moments": (
                "Supplier lead times; expected arrival of open purchase orders; stock build-up deadlines "
                "before campaigns."
            ),
            "cautions": (
                "Alerts sent only to the leaver's email or phone stop reaching anyone: redirect them. "
                "Thresholds set for a normal week are too low before a sales event."
            ),
        },
        "zh-hans": {
            "title": "库存预警与补货阈值",
            "steps": (
                "1. 演示在哪里监控库存以及如何设置预警。\n"
                "2. 列出主要商品的补货点和补货量。\n"
                "3. 列出已下的采购单及预计到货时间。"
            ),
            "key_moments": "供应商交货周期；在途采购单的预计到货日；大促前备货截止日。",
            "cautions": (
                "只发到离职员工邮箱或手机的预警将无人接收，须改发给接手人。按平时设定的阈值在大促前会偏低。"
            ),
        },
        "zh-hant": {
            "title": "庫存警示與補貨門檻",
            "steps": (
                "1. 示範在哪裡監控庫存以及如何設定警示。\n"
                "2. 列出主要商品的補貨點與補貨量。\n"
                "3. 列出已下的採購單及預計到貨時間。"
            ),
            "key_moments": "供應商交期；在途採購單的預計到貨日；大型檔期前的備貨截止日。",
            "cautions": (
                "只寄到離職員工信箱或手機的警示將無人接收，須改寄給接手人。依平常設定的門檻，"
                "在大型檔期前會偏低。"
            ),
        },
    },
    {
        "module": "logistics",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Stock-count schedule",
            "steps": (
                "1. Write down when full and cycle counts happen and who does them.\n"
                "2. Show how count differences are investigated and adjusted in the system.\n"
                "3. Hand over the last count's results and any unexplained differences."
            ),
            "key_moments": (
                "Next stock-count dates; deadlines for posting adjustments before month-end or year-end "
                "close."
            ),
            "cautions": (
                "Adjustments usually need finance approval, and unexplained differences carry over into "
                "the successor's numbers. Picking must pause during a full count."
            ),
        },
        "zh-hans": {
            "title": "库存盘点安排",
            "steps": (
                "1. 写明全盘和循环盘点的时间及执行人。\n"
                "2. 演示盘点差异如何追查以及如何在系统中调整。\n"
                "3. 交接上次盘点结果及未查明的差异。"
            ),
            "key_moments": "下次盘点日期；月结或年结前提交库存调整的截止日。",
            "cautions": "库存调整通常需财务审批，未查明的差异会带入接手人的账上。全盘期间须暂停拣货。",
        },
        "zh-hant": {
            "title": "庫存盤點安排",
            "steps": (
                "1. 寫明全面盤點與循環盤點的時間及執行人。\n"
                "2. 示範盤點差異如何追查以及如何在系統中調整。\n"
                "3. 交接上次盤點結果及尚未查明的差異。"
            ),
            "key_moments": "下次盤點日期；月結或年結前提交庫存調整的截止日。",
            "cautions": (
                "庫存調整通常需財務核准，尚未查明的差異會帶入接手人的帳上。全面盤點期間須暫停揀貨。"
            ),
        },
    },
    {
        "module": "logistics",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Damaged goods and carrier claims",
            "steps": (
                "1. Describe the procedure for damaged, lost or wrong parcels: photos, report, who files "
                "the claim.\n"
                "2. List open claims with amount and status.\n"
                "3. Show where damaged stock is kept and how it is written off."
            ),
            "key_moments": (
                "Carrier claim deadlines (often only a few days after delivery); follow-up dates for open "
                "claims."
            ),
            "cautions": (
                "Claims without unboxing photos or signed delivery notes are usually rejected. Open claims "
                "are easily forgotten after a handover: give each one an owner."
            ),
        },
        "zh-hans": {
            "title": "破损货物与快递理赔",
            "steps": (
                "1. 写明破损、丢件、错发的处理流程：拍照、上报、由谁提交理赔。\n"
                "2. 列出未结理赔及金额、进度。\n"
                "3. 演示破损库存的存放位置及报损流程。"
            ),
            "key_moments": "快递理赔申报截止时间（通常为签收后几天内）；未结理赔的跟进日期。",
            "cautions": (
                "没有开箱照片或签收记录的理赔通常会被拒。交接后未结理赔很容易被遗忘，须为每一笔指定负责人。"
            ),
        },
        "zh-hant": {
            "title": "破損商品與物流理賠",
            "steps": (
                "1. 寫明破損、遺失、寄錯的處理流程：拍照、回報、由誰提出理賠。\n"
                "2. 列出未結案理賠及金額、進度。\n"
                "3. 示範破損庫存的存放位置及報廢流程。"
            ),
            "key_moments": "物流理賠申請截止時間（通常為簽收後數天內）；未結案理賠的追蹤日期。",
            "cautions": (
                "沒有開箱照片或簽收紀錄的理賠通常會被拒絕。交接後未結案的理賠容易被遺忘，"
                "須為每一筆指定負責人。"
            ),
        },
    },
    # data
    {
        "module": "data",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Data sources",
            "steps": (
                "1. List every data source: platform dashboards, ERP exports, ad platforms, hand-kept "
                "sheets.\n"
                "2. For each, note what it holds, how often it refreshes and how it is pulled.\n"
                "3. Show any scheduled exports or scripts."
            ),
            "key_moments": (
                "How long each platform keeps detailed data; scheduled export times; when a month's data "
                "becomes final."
            ),
            "cautions": (
                "Platforms delete detailed data after a retention period: download what the team still "
                "needs. Scheduled exports running under the leaver's account stop when it is closed."
            ),
        },
        "zh-hans": {
            "title": "数据来源",
            "steps": (
                "1. 列出所有数据来源：平台后台、ERP导出、广告平台、手工维护的表格。\n"
                "2. 逐一写明内容、更新频率及获取方式。\n"
                "3. 演示已设置的定时导出或脚本。"
            ),
            "key_moments": "各平台明细数据的保留时长；定时导出时间；每月数据最终确定的时间。",
            "cautions": (
                "平台会在保留期后删除明细数据，仍需要的数据要及时下载。"
                "挂在离职员工账号下的定时导出会在账号关闭后停止。"
            ),
        },
        "zh-hant": {
            "title": "資料來源",
            "steps": (
                "1. 列出所有資料來源：平台後台、ERP匯出、廣告平台、手動維護的試算表。\n"
                "2. 逐一寫明內容、更新頻率及取得方式。\n"
                "3. 示範已設定的排程匯出或腳本。"
            ),
            "key_moments": "各平台明細資料的保留期限；排程匯出時間；每月資料定案的時間。",
            "cautions": (
                "平台會在保留期限後刪除明細資料，仍需使用的資料要及時下載。掛在離職員工帳號下的排程匯出，"
                "會在帳號停用後中斷。"
            ),
        },
    },
    {
        "module": "data",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Analysis tools and who holds access",
            "steps": (
                "1. List the analysis tools (BI, spreadsheets, plug-ins) and what each is used for.\n"
                "2. Note which account each tool runs under and who pays for it.\n"
                "3. Register access in the accounts section; never write passwords here."
            ),
            "key_moments": "Subscription renewal dates; the date tool ownership moves to the successor.",
            "cautions": (
                "Tools paid with a personal card or signed up with a personal email leave with the leaver. "
                "Shared dashboards owned by the leaver may be deleted with the account."
            ),
        },
        "zh-hans": {
            "title": "分析工具与账号归属",
            "steps": (
                "1. 列出所用分析工具（BI、表格、插件）及各自用途。\n"
                "2. 写明每个工具所用的账号及由谁付费。\n"
                "3. 在账号权限部分登记访问权限，此处不要写密码。"
            ),
            "key_moments": "订阅续费日期；工具所有权移交给接手人的日期。",
            "cautions": (
                "用个人银行卡付费或用个人邮箱注册的工具，会随离职员工一起流失。"
                "离职员工名下的共享看板可能随账号一起被删除。"
            ),
        },
        "zh-hant": {
            "title": "分析工具與帳號歸屬",
            "steps": (
                "1. 列出所用分析工具（BI、試算表、外掛程式）及各自用途。\n"
                "2. 寫明每個工具所用的帳號及由誰付費。\n"
                "3. 在帳號權限區登記存取權限，此處不要寫密碼。"
            ),
            "key_moments": "訂閱續約日期；工具擁有權移交給接手人的日期。",
            "cautions": (
                "用個人信用卡付費或以個人信箱註冊的工具，會隨離職員工一起流失。離職員工名下的共用儀表板，"
                "可能隨帳號一起被刪除。"
            ),
        },
    },
    {
        "module": "data",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Report templates and recipients",
            "steps": (
                "1. List every recurring report: where the template is, who receives it, when.\n"
                "2. Produce one report live while the successor watches.\n"
                "3. Note which figures people most often ask about."
            ),
            "key_moments": (
                "Send times of daily, weekly and monthly reports; dates of review meetings that need the "
                "figures."
            ),
            "cautions": (
                "Manual fixes done every time (removing test orders, merging stores) are rarely in the "
                "template: write them down. Update mailing lists and schedules that still point to the "
                "leaver."
            ),
        },
        "zh-hans": {
            "title": "报表模板与接收人",
            "steps": (
                "1. 列出所有定期报表：模板位置、接收人、发送时间。\n"
                "2. 当着接手人的面现场做一份报表。\n"
                "3. 写明哪些数字最常被追问。"
            ),
            "key_moments": "日报、周报、月报的发送时间；需要数据的复盘会议日期。",
            "cautions": (
                "每次都要做的手工修正（剔除测试订单、合并店铺）很少写在模板里，须写下来。"
                "更新仍指向离职员工的发送列表和定时任务。"
            ),
        },
        "zh-hant": {
            "title": "報表範本與收件人",
            "steps": (
                "1. 列出所有定期報表：範本位置、收件人、寄送時間。\n"
                "2. 當著接手人的面現場做一份報表。\n"
                "3. 寫明哪些數字最常被追問。"
            ),
            "key_moments": "日報、週報、月報的寄送時間；需要這些數字的檢討會議日期。",
            "cautions": (
                "每次都要做的手動修正（剔除測試訂單、合併商店）很少寫在範本裡，須寫下來。"
                "更新仍指向離職員工的寄送名單與排程。"
            ),
        },
    },
    {
        "module": "data",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Key metric definitions",
            "steps": (
                "1. Write the formula the team uses for GMV, conversion rate, average order value, ad ROI "
                "and refund rate.\n"
                "2. Note what is included or excluded (cancelled orders, tax, shipping, coupons).\n"
                "3. Reconcile one month's figures with the platform's own."
            ),
            "key_moments": "The date each definition last changed and the report period it applies from.",
            "cautions": (
                "Platforms define the same metric differently, so figures rarely match across sources. "
                "Changing a definition quietly breaks comparisons with earlier periods."
            ),
        },
        "zh-hans": {
            "title": "核心指标口径",
            "steps": (
                "1. 写明团队计算GMV、转化率、客单价、广告ROI和退款率的公式。\n"
                "2. 写明包含与剔除的内容（取消订单、税费、运费、优惠券）。\n"
                "3. 用一个月的数据与平台自身数据核对。"
            ),
            "key_moments": "各口径最近一次变更的日期，以及从哪个报表周期开始生效。",
            "cautions": (
                "不同平台对同一指标的定义不同，跨来源的数字很少完全一致。"
                "悄悄修改口径会让与历史数据的对比失效。"
            ),
        },
        "zh-hant": {
            "title": "核心指標定義",
            "steps": (
                "1. 寫明團隊計算GMV、轉換率、客單價、廣告ROI與退款率的公式。\n"
                "2. 寫明納入與排除的項目（取消訂單、稅金、運費、優惠券）。\n"
                "3. 用一個月的數字與平台後台自己的數字核對。"
            ),
            "key_moments": "各定義最近一次變更的日期，以及從哪個報表期間開始適用。",
            "cautions": (
                "不同平台對同一指標的定義不同，跨來源的數字很少完全一致。"
                "默默修改定義會讓與過往期間的比較失準。"
            ),
        },
    },
    {
        "module": "data",
        "due_days_before_last_day": 9,
        "en": {
            "title": "Ad campaigns, budgets and bidding rules",
            "steps": (
                "1. List running ad campaigns per platform with daily budget, target and current ROI.\n"
                "2. Write down the bidding rules and when bids or budgets are changed.\n"
                "3. Show the ad account balance and how it is topped up."
            ),
            "key_moments": "Ad campaign end dates; monthly budget limits; top-up dates so ads never stop.",
            "cautions": (
                "Automated bidding left alone can overspend within hours. An empty ad account stops every "
                "ad at once, often on a weekend. Compare ROI using the team's own definition."
            ),
        },
        "zh-hans": {
            "title": "广告投放、预算与出价规则",
            "steps": (
                "1. 按平台列出在投广告计划的日预算、目标及当前ROI。\n"
                "2. 写明出价规则，以及何时调整出价或预算。\n"
                "3. 演示广告账户余额及充值流程。"
            ),
            "key_moments": "广告计划结束日期；每月预算上限；广告账户充值日期，避免停投。",
            "cautions": (
                "无人看管的智能出价可能在几小时内超支。账户余额耗尽会让所有广告同时停投，常发生在周末。"
                "ROI须按团队自己的口径比较。"
            ),
        },
        "zh-hant": {
            "title": "廣告投放、預算與出價規則",
            "steps": (
                "1. 依平台列出投放中廣告活動的每日預算、目標及目前ROI。\n"
                "2. 寫明出價規則，以及何時調整出價或預算。\n"
                "3. 示範廣告帳戶餘額及儲值流程。"
            ),
            "key_moments": "廣告活動結束日期；每月預算上限；廣告帳戶儲值日期，避免廣告中斷。",
            "cautions": (
                "無人看管的自動出價可能在幾小時內超支。帳戶餘額用完會讓所有廣告同時停止，常發生在週末。"
                "ROI須依團隊自己的定義比較。"
            ),
        },
    },
    # finance
    {
        "module": "finance",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Platform settlement and reconciliation",
            "steps": (
                "1. Write down when and how each platform pays out and where statements are downloaded.\n"
                "2. Show the reconciliation routine: orders vs payouts vs bank receipts.\n"
                "3. List unreconciled differences and their status."
            ),
            "key_moments": (
                "Payout dates per platform; when statements become available; deadlines to dispute "
                "platform deductions."
            ),
            "cautions": (
                "Platform fees, penalties and subsidies are netted inside the payout and easy to miss. "
                "Differences older than the dispute window can no longer be recovered."
            ),
        },
        "zh-hans": {
            "title": "平台结算与对账",
            "steps": (
                "1. 写明各平台的结算时间、方式及账单下载位置。\n"
                "2. 演示对账流程：订单、平台结算、银行到账三方核对。\n"
                "3. 列出未对平的差异及进度。"
            ),
            "key_moments": "各平台结算日；账单出具日期；对平台扣款提出异议的截止日。",
            "cautions": "平台佣金、罚款和补贴直接在结算款中扣减，容易被忽略。超过申诉期的差异将无法追回。",
        },
        "zh-hant": {
            "title": "平台撥款與對帳",
            "steps": (
                "1. 寫明各平台的撥款時間、方式及帳單下載位置。\n"
                "2. 示範對帳流程：訂單、平台撥款、銀行入帳三方核對。\n"
                "3. 列出尚未對平的差異及進度。"
            ),
            "key_moments": "各平台撥款日；帳單產出日期；對平台扣款提出異議的截止日。",
            "cautions": (
                "平台手續費、罰款與補貼直接在撥款中扣除，容易被忽略。超過申訴期限的差異將無法追回。"
            ),
        },
    },
    {
        "module": "finance",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Invoices issued and pending",
            "steps": (
                "1. List open invoices: issued to customers and received from suppliers.\n"
                "2. List invoice requests not yet handled, with order numbers.\n"
                "3. Show how an invoice is issued and where copies are filed."
            ),
            "key_moments": (
                "Deadlines for customer invoice requests; tax filing dates; deadlines for claiming input "
                "tax on received invoices."
            ),
            "cautions": (
                "Invoices promised in customer chats are easily forgotten and lead to complaints. Paper "
                "invoices must be handed over in person, with their storage place recorded."
            ),
        },
        "zh-hans": {
            "title": "已开及待开发票",
            "steps": (
                "1. 列出尚未结清的发票：开给客户的和收到供应商的。\n"
                "2. 列出尚未处理的开票申请及订单号。\n"
                "3. 演示开票流程及发票存档位置。"
            ),
            "key_moments": "客户申请开票的期限；纳税申报日期；进项发票认证抵扣截止日。",
            "cautions": (
                "在客服聊天中答应的开票要求容易被遗忘，引发投诉。纸质发票须当面交接，并登记存放位置。"
            ),
        },
        "zh-hant": {
            "title": "已開立及待開立發票",
            "steps": (
                "1. 列出尚未結清的發票：開給客戶的與收到供應商的。\n"
                "2. 列出尚未處理的開立發票申請及訂單編號。\n"
                "3. 示範開立發票流程及發票存檔位置。"
            ),
            "key_moments": "客戶申請發票的期限；營業稅申報日期；進項發票扣抵期限。",
            "cautions": (
                "在客服對話中答應開立的發票容易被遺忘，引起客訴。紙本發票須當面交接，並登記存放位置。"
            ),
        },
    },
    {
        "module": "finance",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Deposits and guarantees held by platforms",
            "steps": (
                "1. List every deposit, guarantee or frozen balance held by platforms and partners, with "
                "amount.\n"
                "2. Note what each covers and the conditions for getting it back.\n"
                "3. Show where receipts and agreements are kept."
            ),
            "key_moments": (
                "Dates when deposits must be topped up; release dates after a store or campaign closes."
            ),
            "cautions": (
                "Deposits cut for penalties must be topped up quickly or the store gets restricted. Money "
                "left with a closed store or ended campaign is often never claimed back."
            ),
        },
        "zh-hans": {
            "title": "平台保证金与押金",
            "steps": (
                "1. 列出平台和合作方收取的所有保证金、押金或冻结资金及金额。\n"
                "2. 写明各自用途及退还条件。\n"
                "3. 演示收据和协议的存放位置。"
            ),
            "key_moments": "保证金须补缴的日期；店铺或活动结束后的解冻日期。",
            "cautions": (
                "因处罚被扣的保证金须及时补足，否则店铺会被限制。"
                "留在已关闭店铺或已结束活动中的资金常常无人申请退回。"
            ),
        },
        "zh-hant": {
            "title": "平台保證金與押金",
            "steps": (
                "1. 列出平台與合作方收取的所有保證金、押金或凍結款項及金額。\n"
                "2. 寫明各自用途及退還條件。\n"
                "3. 示範收據與協議的存放位置。"
            ),
            "key_moments": "保證金須補繳的日期；商店或活動結束後的解凍日期。",
            "cautions": (
                "因罰則被扣的保證金須儘快補足，否則商店會被限制。留在已關閉商店或已結束活動中的款項，"
                "常常無人申請退回。"
            ),
        },
    },
    {
        "module": "finance",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Supplier payment terms",
            "steps": (
                "1. List suppliers with payment terms, currency and who approves payment.\n"
                "2. List payments due in the next 60 days and any early-payment discounts.\n"
                "3. Note disputes or deductions agreed with each supplier."
            ),
            "key_moments": (
                "Payment due dates; early-payment discount deadlines; supplier contract renewal dates."
            ),
            "cautions": (
                "Late payment can stop deliveries right before a campaign. Deductions agreed verbally with "
                "a supplier must be written down or they will be disputed later."
            ),
        },
        "zh-hans": {
            "title": "供应商付款条件",
            "steps": (
                "1. 列出各供应商的账期、币种及付款审批人。\n"
                "2. 列出未来60天内到期的应付款及提前付款折扣。\n"
                "3. 写明与各供应商的争议或约定扣款。"
            ),
            "key_moments": "付款到期日；提前付款折扣截止日；供应商合同续签日期。",
            "cautions": (
                "付款延迟可能导致供应商在大促前停止供货。与供应商口头约定的扣款必须书面记录，"
                "否则日后会产生争议。"
            ),
        },
        "zh-hant": {
            "title": "供應商付款條件",
            "steps": (
                "1. 列出各供應商的付款條件、幣別及付款核准人。\n"
                "2. 列出未來60天內到期的應付款及提前付款折扣。\n"
                "3. 寫明與各供應商的爭議或約定扣款。"
            ),
            "key_moments": "付款到期日；提前付款折扣截止日；供應商合約續約日期。",
            "cautions": (
                "付款延遲可能導致供應商在大型檔期前停止供貨。與供應商口頭約定的扣款必須書面記錄，"
                "否則日後會有爭議。"
            ),
        },
    },
    {
        "module": "finance",
        "due_days_before_last_day": 3,
        "en": {
            "title": "Monthly close deadlines",
            "steps": (
                "1. Write down what operations must send finance each month, and by when.\n"
                "2. List this month's accruals, pending refunds and costs not yet billed.\n"
                "3. Name the finance contact for questions."
            ),
            "key_moments": (
                "Monthly close date; cut-off for submitting expenses and invoices; quarter-end and "
                "year-end deadlines."
            ),
            "cautions": (
                "A last day near month-end leaves the close to the successor: prepare the month's figures "
                "before leaving. Expenses submitted after the cut-off fall into the next period."
            ),
        },
        "zh-hans": {
            "title": "月结截止时间",
            "steps": (
                "1. 写明运营每月须交给财务的资料及截止时间。\n"
                "2. 列出本月的预提费用、待退款项和尚未收到账单的成本。\n"
                "3. 写明财务对接人。"
            ),
            "key_moments": "月结日期；报销和发票提交截止时间；季末和年末截止日。",
            "cautions": (
                "最后工作日临近月底时，月结会落到接手人身上，离职前须备好当月数据。"
                "截止后才提交的费用会计入下一期。"
            ),
        },
        "zh-hant": {
            "title": "月結截止時間",
            "steps": (
                "1. 寫明營運每月須交給財務的資料及截止時間。\n"
                "2. 列出本月的應計費用、待退款項與尚未收到帳單的成本。\n"
                "3. 寫明財務窗口。"
            ),
            "key_moments": "月結日期；費用報支與發票提交截止時間；季末與年終截止日。",
            "cautions": (
                "最後工作日接近月底時，月結會落到接手人身上，離職前須備妥當月資料。"
                "截止後才提交的費用會列入下一期。"
            ),
        },
    },
    # team
    {
        "module": "team",
        "due_days_before_last_day": 7,
        "en": {
            "title": "Recurring meetings and their owners",
            "steps": (
                "1. List recurring meetings: purpose, attendees, frequency, who runs them.\n"
                "2. Mark which ones the successor takes over and which can stop.\n"
                "3. Move calendar series the leaver organises to the new owner."
            ),
            "key_moments": "Next date of each meeting; quarterly and campaign review dates.",
            "cautions": (
                "Calendar series organised by the leaver vanish or become uneditable once the account is "
                "closed. Meetings with outside partners need a new organiser too."
            ),
        },
        "zh-hans": {
            "title": "例会及负责人",
            "steps": (
                "1. 列出所有例会：目的、参会人、频率、主持人。\n"
                "2. 标出哪些由接手人接管、哪些可以取消。\n"
                "3. 把离职员工发起的周期日程转给新负责人。"
            ),
            "key_moments": "各例会的下一次时间；季度及大促复盘会日期。",
            "cautions": (
                "离职员工发起的周期日程在账号关闭后会消失或无法修改。与外部伙伴的会议同样需要新的组织者。"
            ),
        },
        "zh-hant": {
            "title": "例行會議及負責人",
            "steps": (
                "1. 列出所有例行會議：目的、與會者、頻率、主持人。\n"
                "2. 標出哪些由接手人接手、哪些可以取消。\n"
                "3. 把離職員工發起的週期性行事曆轉給新負責人。"
            ),
            "key_moments": "各會議的下一次時間；季度及檔期檢討會日期。",
            "cautions": (
                "離職員工發起的週期性行事曆，在帳號停用後會消失或無法編輯。"
                "與外部夥伴的會議同樣需要新的召集人。"
            ),
        },
    },
    {
        "module": "team",
        "due_days_before_last_day": 8,
        "en": {
            "title": "Outside partners and their new contact",
            "steps": (
                "1. List agencies, designers, suppliers and service providers: contact person and what "
                "they do for the team.\n"
                "2. Name who becomes their contact after the leaver goes.\n"
                "3. Send each partner a written introduction."
            ),
            "key_moments": (
                "Open deliverables and due dates; contract renewal dates; the date partners are told of "
                "the change."
            ),
            "cautions": (
                "Unless told, partners keep sending work and invoices to the leaver. Make sure no one "
                "outside still treats the leaver as able to approve anything."
            ),
        },
        "zh-hans": {
            "title": "外部合作方及新对接人",
            "steps": (
                "1. 列出代理公司、设计师、供应商及服务商的联系人和负责事项。\n"
                "2. 写明离职后由谁对接。\n"
                "3. 给每个合作方发送书面介绍。"
            ),
            "key_moments": "未交付事项及截止日；合同续签日期；通知合作方变更的日期。",
            "cautions": (
                "如不通知，合作方会继续把工作和账单发给离职员工。"
                "要确保外部不再有人把离职员工当作有审批权的人。"
            ),
        },
        "zh-hant": {
            "title": "外部合作夥伴及新窗口",
            "steps": (
                "1. 列出代理商、設計師、供應商與服務商的聯絡人及負責事項。\n"
                "2. 寫明離職後由誰對接。\n"
                "3. 寄給每個合作夥伴一封書面介紹。"
            ),
            "key_moments": "未交付事項及截止日；合約續約日期；通知合作夥伴異動的日期。",
            "cautions": (
                "若未通知，合作夥伴會繼續把工作與帳單寄給離職員工。"
                "須確保外部不再有人把離職員工當作有核准權的人。"
            ),
        },
    },
    {
        "module": "team",
        "due_days_before_last_day": 5,
        "en": {
            "title": "Influencer and live-stream commitments",
            "steps": (
                "1. List agreed influencer posts and live-streams: who, when, which products, fee or "
                "commission.\n"
                "2. Show the signed agreements and the record of samples sent.\n"
                "3. Note any exclusive price or stock promised for each session."
            ),
            "key_moments": (
                "Live-stream and posting dates; sample shipping dates; commission settlement dates."
            ),
            "cautions": (
                "Exclusive prices promised to a streamer easily clash with store campaigns. Samples and "
                "fees given without a written agreement are hard to recover if the post never appears."
            ),
        },
        "zh-hans": {
            "title": "达人合作与直播排期",
            "steps": (
                "1. 列出已约定的达人推广和直播：对象、时间、商品、费用或佣金。\n"
                "2. 演示已签协议及已寄样品记录。\n"
                "3. 写明每场承诺的专属价格或库存。"
            ),
            "key_moments": "直播及发布日期；寄样日期；佣金结算日期。",
            "cautions": (
                "承诺给主播的专属价容易与店铺活动冲突。没有书面协议的样品和费用，一旦达人未发布就难以追回。"
            ),
        },
        "zh-hant": {
            "title": "網紅合作與直播檔期",
            "steps": (
                "1. 列出已約定的網紅業配與直播：合作網紅、時間、商品、費用或分潤。\n"
                "2. 示範已簽協議及已寄樣品紀錄。\n"
                "3. 寫明每場承諾的獨家價格或庫存。"
            ),
            "key_moments": "直播及發文日期；寄樣日期；分潤結算日期。",
            "cautions": (
                "承諾給直播主的獨家價容易與商店活動衝突。沒有書面協議的樣品與費用，一旦網紅未發文就難以追回。"
            ),
        },
    },
    {
        "module": "team",
        "due_days_before_last_day": 6,
        "en": {
            "title": "Shared drives and group chats the leaver administers",
            "steps": (
                "1. List shared drives, folders, group chats and team accounts the leaver owns or "
                "administers.\n"
                "2. Transfer ownership or admin rights to the successor or the manager.\n"
                "3. Check the successor can open and manage each one."
            ),
            "key_moments": "The date ownership is transferred; the date the leaver's accounts are closed.",
            "cautions": (
                "Files owned by a closed account can be deleted with it. A group whose only admin leaves "
                "can no longer be managed. Remove the leaver from customer and partner groups."
            ),
        },
        "zh-hans": {
            "title": "离职员工管理的共享盘与群聊",
            "steps": (
                "1. 列出离职员工拥有或管理的共享盘、文件夹、群聊和团队账号。\n"
                "2. 把所有权或管理员权限转给接手人或主管。\n"
                "3. 确认接手人能逐一打开并管理。"
            ),
            "key_moments": "所有权转移日期；离职员工账号关闭日期。",
            "cautions": (
                "归属于已关闭账号的文件可能随之被删除。唯一管理员离开后，群聊将无法再管理。"
                "须把离职员工移出客户群和合作方群。"
            ),
        },
        "zh-hant": {
            "title": "離職員工管理的共用雲端硬碟與群組",
            "steps": (
                "1. 列出離職員工擁有或管理的共用雲端硬碟、資料夾、群組與團隊帳號。\n"
                "2. 把擁有權或管理員權限轉給接手人或主管。\n"
                "3. 確認接手人能逐一開啟並管理。"
            ),
            "key_moments": "擁有權轉移日期；離職員工帳號停用日期。",
            "cautions": (
                "屬於已停用帳號的檔案可能隨之被刪除。唯一管理員離開後，群組就無法再管理。"
                "須把離職員工移出客戶群組與合作夥伴群組。"
            ),
        },
    },
    {
        "module": "team",
        "due_days_before_last_day": 3,
        "en": {
            "title": "Working notes and lessons learned",
            "steps": (
                "1. Write down unwritten routines and hard-won lessons (e.g. what made refund reviews "
                "slow).\n"
                "2. Move personal notes and checklists into company storage.\n"
                "3. List questions the successor is likely to ask during aftercare."
            ),
            "key_moments": (
                "End of the agreed aftercare period; the date the notes are turned into an operation manual."
            ),
            "cautions": (
                "Know-how kept only in the leaver's head or personal notes is lost on the last day. Notes "
                "must not contain passwords: those go through the account handover."
            ),
        },
        "zh-hans": {
            "title": "工作笔记与经验教训",
            "steps": (
                "1. 写下未成文的惯例和踩坑经验（如退款审核为何很慢）。\n"
                "2. 把个人笔记和清单转存到公司存储。\n"
                "3. 列出离职后接手人可能来咨询的问题。"
            ),
            "key_moments": "约定的离职后答疑期结束日；笔记整理成操作手册的日期。",
            "cautions": (
                "只存在于离职员工脑中或个人笔记里的经验，会在最后工作日一起流失。笔记中不得写密码，"
                "密码通过账号交接处理。"
            ),
        },
        "zh-hant": {
            "title": "工作筆記與經驗教訓",
            "steps": (
                "1. 寫下未成文的慣例與踩雷經驗（例如退款審核為何很慢）。\n"
                "2. 把個人筆記與清單轉存到公司儲存空間。\n"
                "3. 列出離職後接手人可能來詢問的問題。"
            ),
            "key_moments": "約定的離職後答疑期結束日；筆記整理成作業手冊的日期。",
            "cautions": (
                "只存在離職員工腦中或個人筆記裡的經驗，會在最後工作日一起流失。筆記中不得寫密碼，"
                "密碼透過帳號交接處理。"
            ),
        },
    },
]
