"""The client's record: consent and intake forms, medical history, post-visit feedback
and messages. The tables keep their names from the ``clients`` app they came from
(``db_table = "clients_<name>"``), so moving the code moved no row."""

from .feedback import Feedback
from .files import ClientFile, FileKind, PhotoConsent, PhotoStage
from .forms import FormKind, FormReminder, FormTemplate, SignatureMethod, SignedForm
from .medical import MEDICAL_FIELDS, MedicalHistoryVersion
from .messages import Message, MessageThread, Sender, ThreadKind
from .treatment import (
    ANIMAL_AREAS,
    COMMON_AREAS,
    TreatmentRecord,
    TreatmentRecordVersion,
    TreatmentSettings,
)

__all__ = [
    "ANIMAL_AREAS",
    "COMMON_AREAS",
    "TreatmentSettings",
    "TreatmentRecord",
    "TreatmentRecordVersion",
    "MEDICAL_FIELDS",
    "ClientFile",
    "Feedback",
    "FileKind",
    "FormKind",
    "FormReminder",
    "FormTemplate",
    "Message",
    "MessageThread",
    "MedicalHistoryVersion",
    "PhotoConsent",
    "PhotoStage",
    "Sender",
    "SignatureMethod",
    "SignedForm",
    "ThreadKind",
]
