"""The member API names a field as the model does when a length is refused."""


def test_api_length_message_names_the_field_as_the_model_does(api):
    response = api.post(
        "staff",
        "/members/",
        {
            "org": "kl-thon-1",
            "full_name": "Ngô Văn Mới",
            "gender": "M",
            "date_of_birth": "1995-04-30",
            "admission_decision_date": "2020-03-02",
            "admission_ceremony_date": "2020-03-10",
            "id_number": "0261 8500 12345",
        },
    )
    assert response.status_code == 422
    assert {"field": "id_number", "message": "Số CCCD: dài quá 12 ký tự."} in response.json()[
        "detail"
    ]
