"""Issue 13.1: every text has a length limit, the same in model, form and serializer.

The lists below are derived (the models of our packages, the forms of our modules, the request
bodies of the OpenAPI schema), so a new field cannot be left unbounded unnoticed."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

PACKAGES = ("governance", "workflows", "permissions", "notifications")
# Texts no one types: written by the platform itself (an e-mail's body, a task's error).
NOT_TYPED = {
    ("notifications", "notification", "text"),
    ("notifications", "notification", "html"),
    ("notifications", "notification", "last_error"),
}


def our_models():
    for model in apps.get_models():
        if model.__module__.split(".")[0] in PACKAGES:
            yield model


def test_every_model_text_is_bounded_and_enforced_by_the_model():
    loose = []
    for model in our_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField | models.CharField):
                continue
            key = (model._meta.app_label, model._meta.model_name, field.name)
            if key in NOT_TYPED:
                continue
            if not field.max_length or not any(
                getattr(v, "limit_value", None) == field.max_length for v in field.validators
            ):
                loose.append(".".join(key))
    assert loose == [], loose


def our_modules(suffix):
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=package + "."):
            if info.name.endswith(suffix) and "migrations" not in info.name:
                yield importlib.import_module(info.name)


def classes(suffix, base):
    seen = set()
    for module in our_modules(suffix):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__ and cls not in seen:
                seen.add(cls)
                yield cls


def test_every_form_text_is_bounded_like_its_model_field():
    found, loose = 0, []
    for form in classes(".forms", forms.BaseForm):
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field, forms.ModelChoiceField):
                continue
            found += 1
            expected = None
            if model is not None:
                try:
                    expected = model._meta.get_field(name).max_length
                except Exception:
                    expected = None
            if not field.max_length or (expected and field.max_length != expected):
                loose.append(f"{form.__name__}.{name}")
    assert found > 10
    assert loose == [], loose


def test_every_model_serializer_text_is_bounded_like_its_model_field():
    found, loose = 0, []
    for cls in classes(".api", serializers.ModelSerializer):
        for name, field in cls().fields.items():
            if field.read_only or not isinstance(field, serializers.CharField):
                continue
            found += 1
            source = field.source if field.source != "*" else name
            try:
                expected = cls.Meta.model._meta.get_field(source).max_length
            except Exception:
                expected = None
            if not field.max_length or (expected and field.max_length != expected):
                loose.append(f"{cls.__name__}.{name}")
    assert found > 5
    assert loose == [], loose


def request_schemas(schema):
    """Names of the components some request body refers to, recursively."""
    names, todo = set(), []
    for ops in schema["paths"].values():
        for op in ops.values():
            for media in (op.get("requestBody") or {}).get("content", {}).values():
                todo.append(media["schema"])
    components = schema["components"]["schemas"]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[1]
                if name not in names:
                    names.add(name)
                    todo.append(components[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return names


def unbounded_strings(node, path):
    if not isinstance(node, dict) or node.get("readOnly"):
        return
    if (
        node.get("type") == "string"
        and "maxLength" not in node
        and "enum" not in node
        and node.get("format") not in {"date", "date-time", "binary", "decimal", "uri", "email"}
    ):
        yield path
    for key, value in (node.get("properties") or {}).items():
        yield from unbounded_strings(value, f"{path}.{key}")
    if isinstance(node.get("items"), dict):
        yield from unbounded_strings(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from unbounded_strings(node["additionalProperties"], f"{path}{{}}")
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in node.get(key, []):
            yield from unbounded_strings(sub, path)


@pytest.mark.django_db
def test_every_string_the_api_accepts_is_bounded():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    names = request_schemas(schema)
    assert len(names) > 10
    loose = [p for name in sorted(names) for p in unbounded_strings(components[name], name)]
    assert loose == [], loose
