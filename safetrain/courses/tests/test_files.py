"""Lesson files: served only to those who may see the course; the storage is configurable."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile

from safetrain.courses.services import CourseSpec, LessonSpec, course_create
from safetrain.people.tests.factories import make_employment, make_user

pytestmark = pytest.mark.django_db


def _pdf_course(published: bool, actor=None):
    pdf = SimpleUploadedFile("操作规程.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    return course_create(
        actor=actor,
        spec=CourseSpec(
            title="规程",
            hours="1",
            topic="rules",
            published=published,
            lessons=[LessonSpec(title="规程全文", kind="pdf", duration_seconds=2700, file=pdf)],
        ),
    )


def test_file_served_in_scope_only(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    trainer = make_user("trainer")
    course = _pdf_course(published=False, actor=trainer)
    lesson = course.lessons.get()
    client.force_login(make_user("worker", person=make_employment().person))
    assert client.get(f"/courses/lessons/{lesson.pk}/file/").status_code == 404
    client.force_login(trainer)
    response = client.get(f"/courses/lessons/{lesson.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"


def test_uploads_go_to_the_configured_storage(settings):
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    storages._storages = {}  # the handler caches backends; settings changed
    try:
        course = _pdf_course(published=True)
        name = course.lessons.get().file.name
        assert type(default_storage._wrapped).__name__ == "InMemoryStorage"
        assert default_storage.exists(name) and name.startswith("courses/")
    finally:
        storages._storages = {}
