"""Reports as the contract shows them, for taken rows, bad rows and refused files."""

import boto3

from tests.conftest import REGION


def test_a_bad_row_is_rejected_alone_with_its_line_column_reason_and_its_code(pump, upload, read_report, stack) -> None:
    upload(
        "payments",
        "bad.csv",
        'payment_id,unit_code,paid_on,amount_vnd\nP1,TZH490L,2026-11-05,100\nP2,TZH490L,2026-11-05,"12,5"\n'
        "P3,TZH490L,31/02/2026,5\n",
    )
    pump.run_until_idle()
    report = read_report("reports/payments/bad.json")
    assert (report["rows"], report["accepted"], report["rejected"]) == (3, 1, 2)
    assert report["errors"] == [
        {"line": 3, "column": "amount_vnd", "reason": "not a whole number: '12,5'", "code": "not_a_number"},
        {"line": 4, "column": "paid_on", "reason": "impossible date: '31/02/2026'", "code": "not_a_date"},
    ]
    errors_csv = boto3.client("s3", region_name=REGION).get_object(
        Bucket=stack.bucket, Key="reports/payments/bad.errors.csv"
    )
    lines = errors_csv["Body"].read().decode().splitlines()
    assert lines[0] == "line,column,reason"
    assert lines[1] == '3,amount_vnd,"not a whole number: \'12,5\'",P2,TZH490L,2026-11-05,"12,5"'


def test_an_errors_csv_carries_the_tag_its_lifecycle_rule_expires_it_by_and_a_report_none(pump, upload, stack) -> None:
    from chalicelib.aws.s3_upload import StreamedObject
    from chalicelib.ingest.report import ERRORS_CSV_TAGS

    upload("payments", "bad.csv", 'payment_id,unit_code,paid_on,amount_vnd\nP2,TZH490L,2026-11-05,"12,5"\n')
    pump.run_until_idle()
    s3 = boto3.client("s3", region_name=REGION)
    tags = s3.get_object_tagging(Bucket=stack.bucket, Key="reports/payments/bad.errors.csv")["TagSet"]
    assert [f"{t['Key']}={t['Value']}" for t in tags] == [ERRORS_CSV_TAGS]
    assert s3.get_object_tagging(Bucket=stack.bucket, Key="reports/payments/bad.json")["TagSet"] == []
    big = StreamedObject(s3, stack.bucket, "reports/x/big.errors.csv", tags=ERRORS_CSV_TAGS)  # by parts
    big.write(b"x" * (6 << 20))
    big.close()
    assert s3.get_object_tagging(Bucket=stack.bucket, Key="reports/x/big.errors.csv")["TagSet"] == tags


def test_a_file_missing_a_required_column_is_refused_whole(pump, upload, read_report, svc) -> None:
    upload("payments", "nohdr.csv", "payment_id,unit_code,amount_vnd\nP1,TZH490L,100\n")
    pump.run_until_idle()
    report = read_report("reports/payments/nohdr.json")
    assert report["status"] == "rejected"
    assert "paid_on" in report["reason"]
    assert svc.tables.ledger.count() == 0


def test_an_unknown_kind_is_refused_with_a_report(pump, upload, read_report) -> None:
    upload("salaries", "x.csv", "a,b\n1,2\n")
    pump.run_until_idle()
    report = read_report("reports/salaries/x.json")
    assert report["status"] == "rejected" and "unknown kind" in report["reason"]


def test_the_ingest_handler_runs_through_chalice_test_client(
    stack, svc, upload, read_report, functions, drain_ingest
) -> None:
    import json

    from chalice.test import Client

    key = upload("employers", "e.csv", "unit_code,name,rep_phone\nTZH490L,Công ty,0912345678\n")
    body = {
        "Records": [
            {"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": stack.bucket}, "object": {"key": key}}}
        ]
    }
    with Client(functions.http_app()) as client:  # `lambda_.invoke` runs the function under its role
        event = client.events.generate_sqs_event(message_bodies=[json.dumps(body)], queue_name="bhxh-local-ingest")
        answer = client.lambda_.invoke("ingest", event)
    assert answer.payload == {"batchItemFailures": []}
    # Chalice's test context gives 3 seconds: too few to go on inline, so the steps went to the queue
    assert drain_ingest() == []
    assert svc.tables.employers.get("TZH490L").rep_phone == "+84912345678"
    assert read_report("reports/employers/e.json")["accepted"] == 1


def test_a_console_upload_s_uploader_and_province_are_in_its_report_and_its_file_item(
    stack, svc, deliver, read_report
) -> None:
    from chalicelib.store import files

    s3 = boto3.client("s3", region_name=REGION)
    body = b"payment_id,unit_code,paid_on,amount_vnd\nP1,TZH490L,2026-11-05,100\n"
    s3.put_object(
        Bucket=stack.bucket,
        Key="incoming/payments/console.csv",
        Body=body,
        Metadata={"uploaded-by": "uploader.na", "province-code": "40"},
    )
    s3.put_object(Bucket=stack.bucket, Key="incoming/payments/system.csv", Body=body)
    assert deliver("incoming/payments/console.csv") == []
    console, system = read_report("reports/payments/console.json"), read_report("reports/payments/system.json")
    assert (console["uploaded_by"], console["province_code"]) == ("uploader.na", "40")
    assert "uploaded_by" not in system and "province_code" not in system
    item = files.get_file(svc.tables, "incoming/payments/console.csv")
    assert (item.province_code, item.uploaded_by, item.status) == ("40", "uploader.na", "done")
    assert files.get_file(svc.tables, "incoming/payments/system.csv").province_code == "00"
    assert [f.file for f in files.province_files(svc.tables, "40")] == ["incoming/payments/console.csv"]
