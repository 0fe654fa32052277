from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("security/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
]
