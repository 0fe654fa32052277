"""Embedded mode's mail goes to the log at INFO, readable as the recipient would read it."""

import logging

from django.core.mail import get_connection, send_mail

from tests.settings_probe import settings_under


def test_embedded_mode_logs_mail_instead_of_sending_it():
    assert settings_under("EMAIL_BACKEND") == {"EMAIL_BACKEND": "config.mail.LogEmailBackend"}


def test_a_mail_is_logged_at_info_with_sender_recipients_subject_and_body(caplog, capsys):
    with caplog.at_level(logging.INFO, logger="handover.mail"):
        sent = send_mail(
            subject="张磊 将于 2025年1月31日 离职",
            message="交接清单：\nhttp://127.0.0.1:8000/cases/1/",
            from_email="Handover <handover@localhost>",
            recipient_list=["manager@example.com", "hr@example.com"],
            connection=get_connection("config.mail.LogEmailBackend"),
        )
    assert sent == 1
    [record] = caplog.records
    assert (record.name, record.levelno) == ("handover.mail", logging.INFO)
    assert record.getMessage() == (
        "Mail from Handover <handover@localhost> to manager@example.com, hr@example.com\n"
        "Subject: 张磊 将于 2025年1月31日 离职\n"
        "\n"
        "交接清单：\nhttp://127.0.0.1:8000/cases/1/"
    )
    assert capsys.readouterr().out == ""
