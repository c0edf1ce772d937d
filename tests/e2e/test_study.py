"""On a phone, with a test clock: a worker finds a course for her post in the course market,
studies it to completion, passes the quiz and sees the hours in her archive and compliance card.

Time: the server's clock (safetrain.study.clock) and the page's clock (Playwright's fake timers)
are moved on together, one heartbeat interval at a time, so 45 minutes of study take seconds."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.courses.services import CourseSpec, LessonSpec, QuestionSpec, course_create, quiz_set
from safetrain.people.tests.factories import PASSWORD, make_employment, make_enterprise, make_user
from safetrain.study import clock
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
INTERVAL = 300  # heartbeat seconds for this journey (the gap rule scales with it)


@pytest.fixture
def study_settings(settings):
    settings.SAFETRAIN_STUDY_HEARTBEAT_SECONDS = INTERVAL
    settings.SAFETRAIN_STUDY_IDLE_SECONDS = 900
    return settings


def sign_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def world():
    mine = make_enterprise(region="140525", name="泽州县示范煤业有限公司")
    person = make_employment(enterprise=mine, job="瓦斯检查工", start=dt.date(2022, 3, 1)).person
    worker = make_user("worker", person=person, username="wang_e2e")
    course = course_create(
        actor=None,
        spec=CourseSpec(
            title="瓦斯检查工安全操作规程",
            hours="1",
            topic="rules",
            sectors=["coal_mine"],
            job_types=["coal_mine:瓦斯检查工"],
            summary="瓦斯检查的要点与规程",
            published=True,
            lessons=[
                LessonSpec(
                    title="瓦斯的性质与危害", body="<p>甲烷无色无味。</p>", duration_seconds=1800
                ),
                LessonSpec(
                    title="检查方法与规程", body="<p>按规定路线检查。</p>", duration_seconds=900
                ),
            ],
        ),
    )
    quiz_set(
        actor=None,
        course=course,
        questions=[
            QuestionSpec(
                stem="瓦斯浓度达到多少必须停止作业？", choices=["0.5%", "1.0%"], answer=["B"]
            ),
        ],
        pass_mark="100",
    )
    course_create(  # another sector's course: not recommended for her post
        actor=None,
        spec=CourseSpec(
            title="危化品储存安全",
            hours="1",
            topic="rules",
            sectors=["hazardous_chemicals"],
            published=True,
            lessons=[LessonSpec(title="储存", body="<p>分区</p>", duration_seconds=2700)],
        ),
    )
    return worker, person, course


def study(page, tc, seconds, touch=True):
    """Move both clocks on, one heartbeat at a time, touching the page (unless told not to)."""
    for _ in range(seconds // INTERVAL):
        if touch:
            page.locator("h1").click()
        tc.advance(INTERVAL)
        with page.expect_response(lambda r: "/heartbeat" in r.url) as response:
            page.clock.run_for(INTERVAL * 1000)
        assert response.value.status == 200, response.value.text()


def open_lesson(page, tc, url):
    page.goto(url)
    page.wait_for_selector("html[data-study-session]")


def test_worker_studies_a_course_for_her_post_to_completion(
    phone_page, live_server, study_settings
):
    page = phone_page
    base = live_server.url
    worker, person, course = world()
    tc = clock.TestClock()
    clock.install(tc)
    try:
        # The lesson page ends its session when it is left (POST …/end, keepalive), at the same
        # moment as the next page loads. The test database (SQLite, shared in-memory) cannot
        # serve a write next to a read, so the journey drops those requests; the next session
        # then ends the open one (one session per account). test_api covers …/end.
        page.route("**/api/v1/study/*/end", lambda route: route.abort())
        page.clock.install()
        sign_in(page, base, worker.username)

        # the course market recommends the course for her post; she enrols
        page.goto(f"{base}/courses/")
        recommended = page.get_by_test_id("recommended")
        assert "瓦斯检查工安全操作规程" in recommended.inner_text()
        assert "危化品储存安全" not in recommended.inner_text()
        assert page.evaluate(NO_OVERFLOW)
        screenshot(page, "phone-study-market")
        recommended.get_by_text("瓦斯检查工安全操作规程").click()
        page.get_by_test_id("enrol").click()
        page.get_by_test_id("enrolled").wait_for()

        # lesson 1: 10 minutes, then 15 without touching the phone: the idle prompt stops the
        # clock until she answers it
        page.get_by_text("瓦斯的性质与危害").click()
        page.wait_for_selector("html[data-study-session]")
        assert "/study/lessons/" in page.url
        study(page, tc, 600)
        assert page.get_by_test_id("lesson-credited").inner_text() == "10:00"
        assert not page.get_by_test_id("idle-prompt").is_visible()
        study(page, tc, 900, touch=False)
        page.clock.run_for(5 * 1000)
        # the prompt came 900 s after her last touch, within the third interval: that interval
        # is not credited
        assert page.get_by_test_id("idle-prompt").is_visible()
        assert page.get_by_test_id("lesson-credited").inner_text() == "20:00"
        screenshot(page, "phone-study-idle")
        page.get_by_test_id("idle-confirm").click()
        assert not page.get_by_test_id("idle-prompt").is_visible()

        # she comes back later: "continue where I stopped" reopens lesson 1 at 20:00
        tc.advance(3600)
        page.goto(f"{base}/study/")
        page.get_by_test_id("resume-link").click()
        page.wait_for_selector("html[data-study-session]")
        study(page, tc, 600)
        assert page.get_by_test_id("lesson-credited").inner_text() == "30:00"
        screenshot(page, "phone-study-lesson")

        # lesson 2 (15 minutes): the course's time is complete, the quiz is next
        page.get_by_test_id("next-lesson").click()
        page.wait_for_selector("html[data-study-session]")
        study(page, tc, 900)
        assert page.get_by_test_id("course-credited").inner_text() == "45:00"
        assert page.get_by_test_id("study-complete").is_visible()
        assert page.evaluate(NO_OVERFLOW)
        page.get_by_test_id("study-complete").get_by_role("link", name="参加测验").click()
        page.locator("input[value=B]").check()
        page.get_by_test_id("quiz-submit").click()
        assert "100" in page.get_by_test_id("quiz-result").inner_text()

        # her hours: my courses, the archive (一人一档) and the compliance card
        page.goto(f"{base}/study/")
        assert page.get_by_test_id("hours-done").inner_text() == "1.0"
        assert page.get_by_test_id("hours-required").inner_text() == "20.0"
        assert "瓦斯检查工安全操作规程" in page.get_by_test_id("done-courses").inner_text()
        assert page.evaluate(NO_OVERFLOW)
        screenshot(page, "phone-study-mine")
        page.goto(f"{base}/me/")
        archive = page.content()
        assert "瓦斯检查工安全操作规程" in archive and "再培训" in archive
        screenshot(page, "phone-study-archive")
        page.goto(f"{base}/compliance/me/")
        finding = page.locator("li[data-code=ANNUAL_HOURS_PENDING]")
        assert "已 1.0 学时" in finding.inner_text()
        screenshot(page, "phone-study-compliance")
    finally:
        clock.install(None)
