"""The paper path: quizzes printed for trainees without phones, and the entry of their ticked answers.

``codes`` makes and reads paper codes, ``services`` prints papers (real attempts, mode "paper"),
``pdf`` draws the papers and the key sheet, ``entry`` grades an entered paper, ``views`` is the
admin's /admin/paper.
"""
