from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/telecharger/", views.version_download, name="version_download"),
    path("pieces/<int:pk>/", views.attachment_content, name="attachment_content"),
]
