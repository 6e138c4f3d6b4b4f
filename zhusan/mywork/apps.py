from django.apps import AppConfig


class MyWorkConfig(AppConfig):
    name = "zhusan.mywork"
    label = "mywork"
    verbose_name = "My work"
