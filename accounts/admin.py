from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count

from accounts import services
from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import Consent, User


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["policy_version", "given_at"]
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ["-date_joined"]
    list_display = ["email", "date_joined", "analyses_count", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [ConsentInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["date_joined", "last_login"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(analyses_count=Count("selfies__analyses"))

    @admin.display(description="analyses", ordering="analyses_count")
    def analyses_count(self, user) -> int:
        return user.analyses_count

    # Deleting here goes through the service, as the person's own delete does: the admin's
    # own deletion removed the rows and left every photo in storage.
    def delete_model(self, request, obj):
        services.account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(user=user)

    def get_inlines(self, request, obj):
        # Consent is given by the person at sign-up, so it is shown, never entered here.
        return self.inlines if obj else []

    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
