"""AI Governance Atlas: data build, queries and charts behind the Streamlit pages."""
