"""Account endpoints for API clients: sign-up, token, the account, its data, its deletion."""

from django.contrib.auth import authenticate
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import export, services
from accounts.models import EMAIL_MAX_LENGTH
from accounts.throttles import ExportRateThrottle, LoginRateThrottle, SignupRateThrottle
from chromamatch_site.api_errors import ApiError, error_responses


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class SignupApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [SignupRateThrottle]

    class SignupInputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
        password = serializers.CharField(write_only=True, trim_whitespace=False, min_length=1)
        consent = serializers.BooleanField(
            help_text="Agreement to face analysis of the photos you upload; required."
        )

    @extend_schema(
        request=SignupInputSerializer,
        responses={201: TokenOutputSerializer, **error_responses(400, 409, 415, 429, 503)},
    )
    def post(self, request):
        data = self.SignupInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.user_signup(
                email=data.validated_data["email"],
                password=data.validated_data["password"],
                consent_given=data.validated_data["consent"],
            )
        except services.SignupError as exc:
            http_status = status.HTTP_409_CONFLICT if exc.code == "email_taken" else 400
            raise ApiError(exc.code, exc.message, http_status) from None
        return Response({"token": services.token_for(user=user)}, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginRateThrottle]

    class TokenInputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(write_only=True, trim_whitespace=False, min_length=1)

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, **error_responses(400, 401, 415, 429, 503)},
    )
    def post(self, request):
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request, email=data.validated_data["email"], password=data.validated_data["password"]
        )
        if user is None:
            # The same answer for an unknown address and a wrong password: no account probing.
            raise ApiError(
                "invalid_credentials",
                "The e-mail address or the password is not right.",
                status.HTTP_401_UNAUTHORIZED,
            )
        return Response({"token": services.token_for(user=user)})


class AccountApi(APIView):
    class AccountOutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        date_joined = serializers.DateTimeField()
        consent_policy_version = serializers.CharField(allow_null=True)
        consent_given_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses={200: AccountOutputSerializer, **error_responses(401, 503)})
    def get(self, request):
        consent = request.user.consents.first()
        return Response(
            self.AccountOutputSerializer(
                {
                    "email": request.user.email,
                    "date_joined": request.user.date_joined,
                    "consent_policy_version": consent.policy_version if consent else None,
                    "consent_given_at": consent.given_at if consent else None,
                }
            ).data
        )

    @extend_schema(request=None, responses={204: None, **error_responses(401, 403, 503)})
    def delete(self, request):
        services.account_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountExportApi(APIView):
    throttle_classes = [ExportRateThrottle]

    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="A ZIP of everything stored for the account: account.json, "
                "analyses.json, the stored selfies and draping pictures, and a README.",
            ),
            **error_responses(401, 429, 503),
        },
    )
    def get(self, request):
        return export.archive_response(user=request.user)
