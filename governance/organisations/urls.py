"""Pages of the organisations room (the `governance:` namespace)."""

from django.urls import path

from governance.organisations import views

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("arml/", views.arml_list, name="arml_list"),
    path("arml/<int:pk>/", views.arml_detail, name="arml_detail"),
    path("missions-locales/", views.ml_list, name="ml_list"),
    path("missions-locales/<int:pk>/", views.ml_detail, name="ml_detail"),
    path("personnes/", views.person_list, name="person_list"),
    path("personnes/<int:pk>/", views.person_detail, name="person_detail"),
    path("instances/", views.body_list, name="body_list"),
    path("instances/<int:pk>/", views.body_detail, name="body_detail"),
]
