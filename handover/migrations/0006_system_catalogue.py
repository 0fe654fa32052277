from django.db import migrations

# The systems an e-commerce operator most often holds accounts in; HR adds the rest.
SYSTEMS = [
    ("Tmall / Taobao seller centre (千牛 · 天猫/淘宝卖家中心)", "marketplace"),
    ("JD merchant centre (京东商家后台)", "marketplace"),
    ("Pinduoduo merchant backend (拼多多商家后台)", "marketplace"),
    ("Douyin shop (抖店)", "marketplace"),
    ("Shopify admin", "marketplace"),
    ("Amazon Seller Central", "marketplace"),
    ("Alimama / Wanxiangtai ads (阿里妈妈·万相台)", "advertising"),
    ("JD Jingzhuntong ads (京东京准通)", "advertising"),
    ("Ocean Engine / Qianchuan ads (巨量引擎·千川)", "advertising"),
    ("Google Ads", "advertising"),
    ("Meta Ads Manager", "advertising"),
    ("Alipay merchant (支付宝商家)", "payment"),
    ("WeChat Pay merchant (微信支付商户平台)", "payment"),
    ("PayPal business", "payment"),
    ("ERP (e.g. Jushuitan 聚水潭, Wangdiantong 旺店通)", "erp"),
    ("WMS (warehouse management system)", "wms"),
    ("Cainiao logistics portal (菜鸟)", "logistics"),
    ("SF Express business portal (顺丰)", "logistics"),
    ("Finance software (e.g. Kingdee 金蝶, Yonyou 用友)", "finance"),
    ("Company mail (企业邮箱)", "mail"),
    ("WeCom (企业微信)", "chat"),
    ("DingTalk (钉钉)", "chat"),
    ("Feishu / Lark (飞书)", "chat"),
    ("Business intelligence dashboards (生意参谋 / BI)", "data"),
]


def load(apps, schema_editor):
    AccessSystem = apps.get_model("handover", "AccessSystem")
    for name, category in SYSTEMS:
        AccessSystem.objects.get_or_create(name=name, defaults={"category": category})


def unload(apps, schema_editor):
    apps.get_model("handover", "AccessSystem").objects.filter(
        name__in=[name for name, _category in SYSTEMS], accesses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("handover", "0005_inventory")]

    operations = [migrations.RunPython(load, unload)]
