"""The .docx letter templates an agency edits in Word, shipped as package data."""
