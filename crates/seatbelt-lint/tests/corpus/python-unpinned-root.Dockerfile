FROM python:3.11
RUN pip install flask requests
COPY app.py /app.py
CMD python /app.py
